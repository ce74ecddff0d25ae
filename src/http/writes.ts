import type { Context, MiddlewareHandler } from "hono";
import * as v from "valibot";
import { hexOf, sha256 } from "../auth";
import { ApiError } from "../problems";
import type { IdempotencyClaim, ResultOf, RunOptions, RunOutcome, StoreOp } from "../store/types";
import { type AppEnv, type InputSpec, markInput } from "./route";

/** A run that changed the store, or replays one that did: what a write route answers from. */
export type Written = Extract<RunOutcome, { kind: "done" | "check_failed" | "op_failed" }>;

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** Headers that change what a write does: a retry that changes one is another request. */
const FINGERPRINTED_HEADERS = ["if-match", "if-none-match", "kv-metadata"] as const;

/** The key of an `Idempotency-Key` header (a quoted structured-field string or bare text). */
function idempotencyKeyOf(header: string): string {
  const key = header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError("invalid_idempotency_key", {
      detail: "Idempotency-Key must be 1 to 255 printable ASCII characters",
      extras: { header: "Idempotency-Key" },
    });
  }
  return key;
}

/**
 * Makes a write route safely retryable: an `Idempotency-Key` header claims the
 * request's outcome for KV_IDEMPOTENCY_TTL seconds, per caller; a retry of the
 * same request (method, path, query, preconditions, metadata, body) gets the first answer with
 * `Idempotent-Replayed: true` and changes nothing.
 */
export function idempotent<P extends string>(): MiddlewareHandler<AppEnv, P> {
  const validator: MiddlewareHandler<AppEnv> = (c, next) => {
    const header = c.req.header("idempotency-key");
    if (header !== undefined) c.set("idempotencyKey", idempotencyKeyOf(header));
    return next();
  };
  return markInput(validator, {
    target: "header",
    schema: v.object({
      "Idempotency-Key": v.optional(
        v.pipe(
          v.string(),
          v.description(
            "1 to 255 printable ASCII characters that make the write safe to retry: a retry with the same key and the same request gets the first answer, with Idempotent-Replayed: true",
          ),
        ),
      ),
    }),
    // idempotency_in_flight only where a write takes several steps: the import route lists it.
    codes: ["invalid_idempotency_key", "idempotency_key_reused"],
    claimsKeys: false,
  } satisfies InputSpec);
}

/** The claim of the request's Idempotency-Key, if it sent one: the caller's record of this request. */
export async function claimOf(c: Context<AppEnv>): Promise<IdempotencyClaim | undefined> {
  const key = c.get("idempotencyKey");
  if (key === undefined) return undefined;
  const url = new URL(c.req.url);
  const conditions = FINGERPRINTED_HEADERS.map((name) => c.req.header(name) ?? "").join("\n");
  const request = `${c.req.method}\n${url.pathname}${url.search}\n${conditions}\n${c.get("bodyText") ?? ""}`;
  const fingerprint = hexOf(await sha256(request));
  return {
    id: `${c.get("access").caller ?? "anonymous"}:${key}`,
    fingerprint,
    ttlSeconds: c.get("setup").config.idempotencyTtlSeconds,
  };
}

/** The 422 of an Idempotency-Key used by another request. */
export function idempotencyKeyReused(): ApiError {
  return new ApiError("idempotency_key_reused", {
    detail:
      "This Idempotency-Key was used with another request (method, path, preconditions, metadata or body); nothing was changed",
  });
}

/** The 409 of an Idempotency-Key whose first request (made of several steps) still runs. */
export function idempotencyInFlight(): ApiError {
  return new ApiError("idempotency_in_flight", {
    detail: "The first request with this Idempotency-Key is still running; retry later",
    headers: { "Retry-After": "1" },
  });
}

/**
 * Runs a write route's operations with the request's Idempotency-Key claim.
 * A replayed outcome marks the answer `Idempotent-Replayed: true`.
 */
export async function runWrites(
  c: Context<AppEnv>,
  ops: StoreOp[],
  options: Omit<RunOptions, "idempotency"> = {},
): Promise<Written> {
  const outcome = await c.get("store").run(ops, { ...options, idempotency: await claimOf(c) });
  if (outcome.kind === "idempotency_reused") throw idempotencyKeyReused();
  if (outcome.replayed) c.set("replayed", true);
  return outcome;
}

/** Runs one write with the request's Idempotency-Key claim; its result. */
export async function runWrite<O extends StoreOp>(c: Context<AppEnv>, op: O): Promise<ResultOf<O>> {
  const outcome = await runWrites(c, [op]);
  const [result] = outcome.kind === "done" ? outcome.results : [];
  if (result === undefined) throw new Error(`${op.op}: the store answered no result`);
  return result as ResultOf<O>;
}
