import { Hono } from "hono";
import type * as v from "valibot";
import { jsonText, jsonWithRaw } from "../http/answers";
import { type AppEnv, jsonBody, route } from "../http/route";
import { ApiError } from "../problems";
import { chosenExpiry } from "../rules/expiry";
import { metadataText, valueText } from "../rules/json";
import { BatchAnswer, BatchBody, type BatchOp } from "../schemas";
import type { Limits } from "../settings";
import type { StoreOp, StoreResult } from "../store/types";
import { BODY_OVERHEAD_BYTES } from "./compat";

/** An operation as a request spells it. */
export type RequestedOp = v.InferOutput<typeof BatchOp>;

/** Refuses a body whose `list` member holds more than `limit` operations, before validating any of them. */
export function refuseTooMany(data: unknown, list: string, limit: number): void {
  const items = typeof data === "object" && data !== null ? (data as Record<string, unknown>)[list] : undefined;
  const count = Array.isArray(items) ? items.length : 0;
  if (count > limit) {
    throw new ApiError("too_many_operations", {
      detail: `The request has ${count} operations; the limit is ${limit}`,
      extras: { limit, size: count },
    });
  }
}

/**
 * The store operation of a requested one (values and metadata checked against
 * their limits); an error names the operation's index.
 */
export function storeOpOf(op: RequestedOp, index: number, limits: Limits, now: number): StoreOp {
  try {
    const { key } = op;
    switch (op.op) {
      case "get":
        return { op: "get", key };
      case "delete":
        return { op: "delete", key, condition: { kind: "always" } };
      case "put":
        return {
          op: "put",
          key,
          input: {
            json: valueText(op.value, limits.maxValueBytes),
            expiry: chosenExpiry(op, now, { kind: "none" }),
            metadata: op.metadata === undefined ? null : metadataText(op.metadata, limits.maxMetadataBytes),
            condition: { kind: "always" },
          },
        };
      case "incr":
        return {
          op: "incr",
          key,
          input: { by: op.by ?? 1, expiryOnCreate: chosenExpiry({ ttl: op.ttl }, now, { kind: "none" }) },
        };
      case "expire":
        return { op: "expire", key, expiry: chosenExpiry(op, now, null), condition: { kind: "always" } };
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw error.within(`ops[${index}]`, { index });
  }
}

/** JSON text of one result, the stored value spliced in verbatim: the status the op would have answered alone. */
export function resultJson(result: StoreResult): string {
  const { op, key } = result;
  switch (result.op) {
    case "get": {
      const entry = result.entry;
      if (entry === null) return JSON.stringify({ op, key, status: 404, code: "key_not_found" });
      const fields = { op, key, status: 200, version: entry.version, expires_at: entry.expiresAt };
      return jsonWithRaw(
        fields,
        entry.metadata === null ? { value: entry.json } : { value: entry.json, metadata: entry.metadata },
      );
    }
    case "put": {
      const r = result.result;
      if (r.status === "conflict") return JSON.stringify({ op, key, status: 412, code: "precondition_failed" });
      const status = r.status === "created" ? 201 : 200;
      return JSON.stringify({ op, key, status, version: r.version, expires_at: r.expiresAt });
    }
    case "delete": {
      const r = result.result;
      if (r.status === "deleted") return JSON.stringify({ op, key, status: 204 });
      if (r.status === "conflict") return JSON.stringify({ op, key, status: 412, code: "precondition_failed" });
      return JSON.stringify({ op, key, status: 404, code: "key_not_found" });
    }
    case "expire": {
      const r = result.result;
      if (r.status === "updated")
        return JSON.stringify({ op, key, status: 200, version: r.version, expires_at: r.expiresAt });
      if (r.status === "conflict") return JSON.stringify({ op, key, status: 412, code: "precondition_failed" });
      return JSON.stringify({ op, key, status: 404, code: "key_not_found" });
    }
    case "incr": {
      const r = result.result;
      if (r.status === "not_integer") return JSON.stringify({ op, key, status: 409, code: "not_an_integer" });
      return jsonWithRaw({ op, key, status: 200, version: r.version }, { value: r.value });
    }
  }
}

/**
 * `POST /v1/batch`: up to KV_MAX_BATCH_OPS operations in one storage round
 * trip, one result each, in order. Every op is checked before any runs; the
 * batch as a whole is not atomic.
 */
export const batchRoutes = new Hono<AppEnv>().post(
  "/v1/batch",
  route({
    scope: "read",
    tag: "v1",
    summary: "Run up to a hundred operations in one storage round trip (not atomic)",
    description:
      "Every operation is checked first; a bad one refuses the whole batch. Each result carries the status the operation " +
      "would have answered alone. Gets need read scope on their keys, every other operation write scope.",
    responses: {
      200: {
        description: "One result per operation, in order",
        schema: BatchAnswer,
        example: {
          results: [
            { op: "put", key: "a", status: 201, version: 7, expires_at: null },
            { op: "get", key: "a", status: 200, version: 7, expires_at: null, value: 1 },
            { op: "incr", key: "n", status: 200, version: 8, value: 2 },
          ],
        },
      },
    },
    errors: ["too_many_operations", "invalid_ops", "invalid_op", "value_too_large", "metadata_too_large"],
  }),
  jsonBody(BatchBody, {
    limit: (limits) => limits.maxValueBytes + BODY_OVERHEAD_BYTES,
    precheck: (data, limits) => refuseTooMany(data, "ops", limits.maxBatchOps),
    keys: (body) =>
      body.ops.map((op, index) => ({
        key: op.key,
        scope: op.op === "get" ? ("read" as const) : ("write" as const),
        at: { list: "ops", index },
      })),
    example: {
      ops: [
        { op: "put", key: "a", value: 1 },
        { op: "get", key: "a" },
        { op: "incr", key: "n", by: 2 },
      ],
    },
  }),
  async (c) => {
    const { limits } = c.var.setup.config;
    const { ops } = c.req.valid("json");
    const now = Date.now();
    const storeOps = ops.map((op, index) => storeOpOf(op, index, limits, now));
    const results = await c.var.store.batch(storeOps);
    return jsonText(`{"results":[${results.map(resultJson).join(",")}]}`);
  },
);
