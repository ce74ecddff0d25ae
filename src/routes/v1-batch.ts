import { Hono } from "hono";
import type * as v from "valibot";
import type { Access } from "../auth/access";
import type { Config } from "../config";
import { jsonText, jsonWithRaw } from "../http/answers";
import type { AppEnv } from "../http/app-env";
import { readBoundedText, requireJsonContentType } from "../http/body";
import { expiryAfter } from "../http/expiry";
import { parseJson } from "../http/json";
import { checkKey } from "../http/key";
import { metadataText } from "../http/metadata";
import { ApiError } from "../http/problem";
import { parseWith } from "../http/validate";
import { valueText } from "../http/value";
import { BatchBody, type BatchOp as BatchOpSchema } from "../schemas/v1";
import type { BatchOp, BatchResult, Expiry } from "../store/types";

/** Room in a batch body beyond one value's worth of data: keys, ops, syntax. */
const ENVELOPE_BYTES = 64 * 1024;

type RequestedOp = v.InferOutput<typeof BatchOpSchema>;

function refuseTooMany(body: unknown, max: number): void {
  const ops = typeof body === "object" && body !== null ? (body as { ops?: unknown }).ops : undefined;
  if (Array.isArray(ops) && ops.length > max) {
    throw new ApiError(413, "too_many_operations", `The batch has ${ops.length} operations; the limit is ${max}`, {
      limit: max,
      size: ops.length,
    });
  }
}

/** Checks one requested op (key, limits, rights) and turns it into a store op; errors name its index. */
function storeOp(op: RequestedOp, index: number, config: Config, access: Access, now: number): BatchOp {
  try {
    const key = checkKey(op.key, config.limits);
    access.require(op.op === "get" ? "read" : "write", key);
    const ttlExpiry = (ttl: number | undefined): Expiry =>
      ttl === undefined ? { kind: "none" } : expiryAfter(ttl, now);
    switch (op.op) {
      case "get":
      case "delete":
        return { op: op.op, key };
      case "put":
        return {
          op: "put",
          key,
          input: {
            json: valueText(op.value, config.limits),
            expiry: ttlExpiry(op.ttl),
            metadata: op.metadata === undefined ? null : metadataText(op.metadata, config.limits),
            condition: { kind: "always" },
          },
        };
      case "incr":
        return { op: "incr", key, input: { by: op.by ?? 1, expiryOnCreate: ttlExpiry(op.ttl) } };
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ApiError(
      error.status,
      error.code,
      `ops[${index}]: ${error.detail}`,
      { ...error.extras, index },
      error.headers,
    );
  }
}

/** JSON text of one result, the stored value spliced in verbatim. */
function resultJson(op: BatchOp, result: BatchResult): string {
  const key = op.key;
  switch (result.op) {
    case "get": {
      const entry = result.entry;
      if (entry === null) return JSON.stringify({ op: "get", key, status: 404, code: "key_not_found" });
      const fields = { op: "get", key, status: 200, version: entry.version, expires_at: entry.expiresAt };
      return jsonWithRaw(
        fields,
        entry.metadata === null ? { value: entry.json } : { value: entry.json, metadata: entry.metadata },
      );
    }
    case "put": {
      const r = result.result;
      if (r.status === "conflict") return JSON.stringify({ op: "put", key, status: 412, code: "precondition_failed" });
      return JSON.stringify({
        op: "put",
        key,
        status: r.status === "created" ? 201 : 200,
        version: r.version,
        expires_at: r.expiresAt,
      });
    }
    case "delete": {
      const status = result.result.status === "deleted" ? 204 : 404;
      return JSON.stringify(
        status === 204 ? { op: "delete", key, status } : { op: "delete", key, status, code: "key_not_found" },
      );
    }
    case "incr": {
      const r = result.result;
      if (r.status === "not_integer") return JSON.stringify({ op: "incr", key, status: 409, code: "not_an_integer" });
      return jsonWithRaw({ op: "incr", key, status: 200, version: r.version }, { value: r.value });
    }
  }
}

/**
 * `POST /v1/batch`: up to KV_MAX_BATCH_OPS operations in one storage round
 * trip, one result each, in order. Every op is checked before any runs; the
 * batch as a whole is not atomic.
 */
export const v1BatchRoutes = new Hono<AppEnv>().post("/v1/batch", async (c) => {
  const config = c.var.config;
  requireJsonContentType(c.req.header("content-type"));
  const raw = parseJson(await readBoundedText(c.req.raw, config.limits.maxValueBytes + ENVELOPE_BYTES));
  refuseTooMany(raw, config.limits.maxBatchOps);
  const body = parseWith(BatchBody, raw, "body_not_object");
  const now = Date.now();
  const ops = body.ops.map((op, index) => storeOp(op, index, config, c.var.access, now));
  const results = await c.var.store.batch(ops);
  const items = results.map((result, index) => resultJson(ops[index]!, result));
  return jsonText(`{"results":[${items.join(",")}]}`);
});
