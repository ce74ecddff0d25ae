import { Hono } from "hono";
import type * as v from "valibot";
import { jsonText, jsonWithRaw } from "../http/answers";
import { type AppEnv, jsonBody, type KeyClaim, route } from "../http/route";
import { idempotent, runWrites } from "../http/writes";
import { ApiError } from "../problems";
import { chosenExpiry } from "../rules/expiry";
import { metadataText, valueText } from "../rules/json";
import { BatchAnswer, BatchBody, type BatchOp, TxnAnswer, TxnBody } from "../schemas";
import type { Limits } from "../settings";
import type { Check, StoreOp, StoreResult } from "../store/types";
import { BODY_OVERHEAD_BYTES } from "./compat";

/** An operation as a request spells it. */
export type RequestedOp = v.InferOutput<typeof BatchOp>;

/** Refuses a body whose `lists` members hold more than `limit` items together, before validating any of them. */
export function refuseTooMany(data: unknown, lists: string[], limit: number): void {
  const body = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  const count = lists.reduce(
    (sum, list) => sum + (Array.isArray(body[list]) ? (body[list] as unknown[]).length : 0),
    0,
  );
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

/** The keys of a list of operations: a get needs read scope, any other op write scope. */
function opClaims(ops: readonly { op: string; key: string }[], list: string): KeyClaim[] {
  return ops.map((op, index) => ({
    key: op.key,
    scope: op.op === "get" ? ("read" as const) : ("write" as const),
    at: { list, index },
  }));
}

function checkOf(check: { key: string; version?: number | undefined; present?: true | undefined }): Check {
  if (check.version !== undefined) return { key: check.key, kind: "version", version: check.version };
  return { key: check.key, kind: check.present === true ? "present" : "absent" };
}

/** The status and code a failed op of a transaction would have answered alone. */
function failureOf(result: StoreResult): { status: number; code: string } {
  const parsed = JSON.parse(resultJson(result)) as { status: number; code?: string };
  return { status: parsed.status, code: parsed.code ?? "" };
}

/**
 * Operations on several keys in one storage round trip. `POST /v1/batch`: up
 * to KV_MAX_BATCH_OPS operations, one result each, in order; every op is
 * checked before any runs; not atomic. `POST /v1/txn`: checks, then every op
 * or none, at one revision.
 */
export const operationRoutes = new Hono<AppEnv>()
  .post(
    "/v1/batch",
    route({
      scope: "read",
      tag: "v1",
      summary: "Run up to KV_MAX_BATCH_OPS operations (default 100) in one storage round trip, not atomically",
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
      precheck: (data, limits) => refuseTooMany(data, ["ops"], limits.maxBatchOps),
      keys: (body) => opClaims(body.ops, "ops"),
      example: {
        ops: [
          { op: "put", key: "a", value: 1 },
          { op: "get", key: "a" },
          { op: "incr", key: "n", by: 2 },
        ],
      },
    }),
    idempotent(),
    async (c) => {
      const { limits } = c.get("setup").config;
      const { ops } = c.req.valid("json");
      const now = Date.now();
      const outcome = await runWrites(
        c,
        ops.map((op, index) => storeOpOf(op, index, limits, now)),
      );
      const results = outcome.kind === "done" ? outcome.results : [];
      return jsonText<v.InferOutput<typeof BatchAnswer>>(`{"results":[${results.map(resultJson).join(",")}]}`);
    },
  )
  .post(
    "/v1/txn",
    route({
      scope: "read",
      tag: "v1",
      summary: "Check keys, then apply every operation or none, at one revision",
      description:
        "Every check must hold (a key at a version, absent, or present), then every operation applies, all at one new " +
        "revision; otherwise nothing changes: 412 txn_check_failed lists the failed checks with the keys' current versions, " +
        "409 txn_op_failed names an operation that cannot apply (incr on a value that is not an integer, delete or expire " +
        "of a missing key) and, as op_status, the status it would answer alone. Checks need read scope on their keys, " +
        "operations write scope.",
      responses: {
        200: {
          description: "Applied",
          schema: TxnAnswer,
          example: {
            revision: 12,
            results: [
              { op: "incr", key: "alice", status: 200, version: 12, value: 40 },
              { op: "incr", key: "bob", status: 200, version: 12, value: 60 },
            ],
          },
        },
      },
      errors: [
        "too_many_operations",
        "invalid_ops",
        "invalid_op",
        "invalid_checks",
        "duplicate_key",
        "value_too_large",
        "metadata_too_large",
        "txn_check_failed",
        "txn_op_failed",
      ],
    }),
    jsonBody(TxnBody, {
      limit: (limits) => limits.maxValueBytes + BODY_OVERHEAD_BYTES,
      precheck: (data, limits) => refuseTooMany(data, ["checks", "ops"], limits.maxBatchOps),
      keys: (body) => [
        ...body.checks.map((check, index) => ({
          key: check.key,
          scope: "read" as const,
          at: { list: "checks", index },
        })),
        ...opClaims(body.ops, "ops"),
      ],
      example: {
        checks: [
          { key: "alice", version: 7 },
          { key: "bob", version: 9 },
        ],
        ops: [
          { op: "incr", key: "alice", by: -10 },
          { op: "incr", key: "bob", by: 10 },
        ],
      },
    }),
    idempotent(),
    async (c) => {
      const { limits } = c.get("setup").config;
      const { checks, ops } = c.req.valid("json");
      const seen = new Set<string>();
      for (const [index, op] of ops.entries()) {
        if (seen.has(op.key)) {
          throw new ApiError("duplicate_key", {
            detail: `ops[${index}]: key '${op.key}' is already written by an earlier operation of this transaction`,
            extras: { index, key: op.key },
          });
        }
        seen.add(op.key);
      }
      const now = Date.now();
      const storeOps = ops.map((op, index) => storeOpOf(op, index, limits, now));
      const outcome = await runWrites(c, storeOps, { transaction: { checks: checks.map(checkOf) } });
      if (outcome.kind === "check_failed") {
        throw new ApiError("txn_check_failed", {
          detail: `${outcome.failed.length} of ${checks.length} checks do not hold; nothing was changed`,
          extras: {
            failed: outcome.failed.map(({ index, version }) => ({ index, key: checks[index]?.key ?? "", version })),
          },
        });
      }
      if (outcome.kind === "op_failed") {
        const { status, code } = failureOf(outcome.result);
        throw new ApiError("txn_op_failed", {
          detail: `ops[${outcome.index}] (${outcome.result.op} of key '${outcome.result.key}') would answer ${status} ${code}; nothing was changed`,
          extras: {
            index: outcome.index,
            op: outcome.result.op,
            key: outcome.result.key,
            op_status: status,
            cause: code,
          },
        });
      }
      return jsonText<v.InferOutput<typeof TxnAnswer>>(
        `{"revision":${outcome.revision},"results":[${outcome.results.map(resultJson).join(",")}]}`,
      );
    },
  );
