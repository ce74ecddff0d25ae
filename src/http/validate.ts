import * as v from "valibot";
import { isExactNumber } from "./json";
import { ApiError } from "./problem";

/** True for a JSON object: not an array, not null, not a number kept as exact text. */
function isJsonObject(data: unknown): boolean {
  return typeof data === "object" && data !== null && !Array.isArray(data) && !isExactNumber(data);
}

/**
 * Validates `data` against a schema, turning the first issue into a 400 that
 * names the field: `missing_<field>` for an absent required member,
 * `invalid_<field>` otherwise, and `rootCode` when the whole input is wrong
 * (an object schema refuses arrays here, which valibot alone would take).
 */
export function parseWith<S extends v.GenericSchema>(schema: S, data: unknown, rootCode: string): v.InferOutput<S> {
  if (schema.type === "object" && !isJsonObject(data)) {
    throw new ApiError(
      400,
      rootCode,
      (schema as { message?: unknown }).message?.toString() ?? "The body must be a JSON object",
    );
  }
  const result = v.safeParse(schema, data, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  if (path === null) throw new ApiError(400, rootCode, issue.message);
  const field = String(issue.path?.[0]?.key ?? path);
  if (issue.type === "object" && issue.input === undefined && issue.path?.length === 1) {
    throw new ApiError(400, `missing_${field}`, `'${path}' is required`, { field: path });
  }
  throw new ApiError(400, `invalid_${field}`, `'${path}' ${issue.message}`, { field: path });
}
