import * as v from "valibot";
import { MAX_TTL_SECONDS } from "../http/ttl";
import { ExpiresAtMs, JsonValue, KeyField, MetadataObject } from "./common";

const Seconds = v.pipe(
  v.number("must be a number of seconds"),
  v.minValue(0.001, "must be positive"),
  v.maxValue(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds`),
);

/** A TTL in seconds with up to millisecond precision. */
export const Ttl = v.pipe(Seconds, v.description("Seconds until the key expires (up to millisecond precision)"));

/** An absolute expiry in unix seconds. */
export const UnixSeconds = v.pipe(
  v.number("must be a unix time in seconds"),
  v.description("Unix time in seconds at which the key expires; must be in the future"),
);

const DecimalText = v.pipe(v.string(), v.regex(/^[0-9]{1,12}(\.[0-9]{1,3})?$/, "must be a decimal number"));

/** Query of `PUT /v1/kv/{key}`: at most one of the three expiry choices. */
export const PutQuery = v.object({
  ttl: v.optional(v.pipe(DecimalText, v.description("Seconds until the key expires (e.g. 60 or 1.5)"))),
  expires_at: v.optional(v.pipe(DecimalText, v.description("Unix time in seconds at which the key expires"))),
  keep_ttl: v.optional(
    v.pipe(v.picklist(["1", "true"], "must be 1"), v.description("1: keep the key's current expiry")),
  ),
});

/** Query of `GET /v1/kv`. */
export const ListQuery = v.object({
  prefix: v.optional(v.pipe(v.string(), v.description("Only keys starting with this text (default: all)"))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9][0-9]{0,5}$/, "must be a whole number from 1"),
      v.description("Page size, default 100, at most KV_MAX_LIST_LIMIT (1000)"),
    ),
  ),
  cursor: v.optional(v.pipe(v.string(), v.description("The cursor of the previous page"))),
});

/** `PATCH /v1/kv/{key}` body: exactly one of the members. */
export const PatchBody = v.object(
  {
    ttl: v.optional(Ttl),
    expires_at: v.optional(UnixSeconds),
    persist: v.optional(v.pipe(v.literal(true, "must be true"), v.description("true: remove the expiry"))),
  },
  "The body must be a JSON object with one of 'ttl', 'expires_at' or 'persist'",
);

const Step = v.pipe(
  v.number("must be a whole number"),
  v.safeInteger("must be a whole number within ±2^53"),
  v.description("Amount to add (may be negative); default 1"),
);

/** `POST /v1/kv/{key}/incr` body (optional). */
export const IncrBody = v.object(
  {
    by: v.optional(Step),
    ttl: v.optional(v.pipe(Ttl, v.description("Expiry applied only when the increment creates the key"))),
  },
  "The body must be a JSON object",
);

/** Metadata sent in a body: a JSON object (valibot's record alone would take an array). */
const MetadataInput = v.pipe(
  v.unknown(),
  v.check((value) => typeof value === "object" && value !== null && !Array.isArray(value), "must be a JSON object"),
  v.record(v.string(), v.unknown()),
  v.description("A JSON object of at most KV_MAX_METADATA_BYTES (1024) bytes"),
);

/** One operation of `POST /v1/batch`. */
export const BatchOp = v.variant(
  "op",
  [
    v.object({ op: v.literal("get"), key: KeyField }),
    v.object({
      op: v.literal("put"),
      key: KeyField,
      value: JsonValue,
      ttl: v.optional(Ttl),
      metadata: v.optional(MetadataInput),
    }),
    v.object({ op: v.literal("delete"), key: KeyField }),
    v.object({ op: v.literal("incr"), key: KeyField, by: v.optional(Step), ttl: v.optional(Ttl) }),
  ],
  "must have 'op' get, put, delete or incr",
);

/** `POST /v1/batch` body. */
export const BatchBody = v.object(
  {
    ops: v.pipe(
      v.array(BatchOp, "must be an array of operations"),
      v.minLength(1, "must hold at least one operation"),
      v.description("Operations run in order, at most KV_MAX_BATCH_OPS (100); the batch is not atomic"),
    ),
  },
  "The body must be a JSON object with 'ops'",
);

/** Answer of a write: `PUT` and `PATCH`. */
export const WriteAnswer = v.object({
  key: v.string(),
  version: v.pipe(v.number(), v.description("The key's new version (its ETag)")),
  expires_at: ExpiresAtMs,
});

/** Answer of `POST /v1/kv/{key}/incr`. */
export const IncrAnswer = v.object({
  value: v.pipe(v.number(), v.description("The counter after the increment (a 64-bit integer)")),
  version: v.number(),
});

/** One listed key. */
export const ListedKey = v.object({
  key: v.string(),
  version: v.number(),
  expires_at: ExpiresAtMs,
  metadata: MetadataObject,
});

/** Answer of `GET /v1/kv`. */
export const ListAnswer = v.object({
  keys: v.array(ListedKey),
  cursor: v.pipe(v.nullable(v.string()), v.description("Pass as ?cursor= for the next page; null when complete")),
  complete: v.pipe(v.boolean(), v.description("True when no more keys match")),
});

/** One result of a batch. */
export const BatchResult = v.object({
  op: v.picklist(["get", "put", "delete", "incr"]),
  key: v.string(),
  status: v.pipe(v.number(), v.description("The status this operation would have answered alone")),
  value: v.optional(JsonValue),
  version: v.optional(v.number()),
  expires_at: v.optional(ExpiresAtMs),
  metadata: v.optional(MetadataObject),
  code: v.optional(v.pipe(v.string(), v.description("Error code when status is not 2xx"))),
});

/** Answer of `POST /v1/batch`. */
export const BatchAnswer = v.object({ results: v.array(BatchResult) });

/** Answer of `POST /v1/admin/reindex`. */
export const ReindexAnswer = v.object({
  indexed: v.pipe(v.number(), v.description("Keys written outside the API that joined the listing")),
});
