import * as v from "valibot";
import { MAX_TTL_SECONDS } from "./rules/expiry";
import { asNumber, isExactNumber, isJsonObject, MAX_JSON_DEPTH } from "./rules/json";
import { RESERVED_KEY_PREFIX } from "./rules/keys";
import { DEFAULTS } from "./settings";

// The valibot schemas that validate requests and describe answers; the OpenAPI
// document is generated from them. Limits in descriptions are the defaults.

const { limits } = DEFAULTS;

/** A JSON number in a body: `60` and `60.0` alike (a number kept as exact text reads as its value). */
const jsonNumber = (message: string) =>
  v.pipe(
    v.custom<number>((input) => typeof input === "number" || isExactNumber(input), message),
    v.transform((input): number => asNumber(input) as number),
    v.number(message),
  );

/** Any JSON value: null, booleans, numbers, strings, arrays, objects. */
export const JsonValue = v.pipe(
  v.unknown(),
  v.description(
    `Any JSON value, null, false, 0 and "" included, nested at most ${MAX_JSON_DEPTH} levels. ` +
      "Numbers keep the exact text they were sent with.",
  ),
);

/** A key in a body: checked further against the configured byte limit. */
export const KeyField = v.pipe(
  v.string("must be a string"),
  v.description(
    `Non-empty, at most KV_MAX_KEY_BYTES (${limits.maxKeyBytes}) bytes of UTF-8, not starting with '${RESERVED_KEY_PREFIX}'`,
  ),
);

/** A TTL in whole seconds, as the compatible API takes it. */
export const TtlSeconds = v.pipe(
  jsonNumber("must be a whole number of seconds"),
  v.integer("must be a whole number of seconds"),
  v.minValue(1, "must be positive"),
  v.maxValue(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds`),
);

/** A TTL in seconds with up to millisecond precision. */
export const Ttl = v.pipe(
  jsonNumber("must be a number of seconds"),
  v.minValue(0.001, "must be positive"),
  v.maxValue(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds`),
  v.check(
    (seconds) => Math.abs(seconds * 1000 - Math.round(seconds * 1000)) <= 1e-6,
    "has more than millisecond precision",
  ),
  v.description("Seconds until the key expires (up to millisecond precision, at most ten years)"),
);

/** An absolute expiry in unix seconds. */
export const UnixSeconds = v.pipe(
  jsonNumber("must be a unix time in seconds"),
  v.description("Unix time in seconds at which the key expires; must be in the future"),
);

const KeepTtl = v.pipe(v.literal(true, "must be true"), v.description("true: keep the key's current expiry"));
const Persist = v.pipe(v.literal(true, "must be true"), v.description("true: remove the expiry"));

/** Unix time in milliseconds, or null without expiry. */
export const ExpiresAtMs = v.pipe(
  v.nullable(v.number()),
  v.description("Unix time in milliseconds at which the key expires, or null"),
);

/** A metadata object as reported back. */
export const MetadataObject = v.pipe(
  v.nullable(v.record(v.string(), v.unknown())),
  v.description("The key's metadata object, or null"),
);

/** Metadata sent in a body: a JSON object (checked further against the byte limit). */
const MetadataInput = v.pipe(
  v.custom<Record<string, unknown>>(isJsonObject, "must be a JSON object"),
  v.record(v.string(), v.unknown(), "must be a JSON object"),
  v.description(`A JSON object of at most KV_MAX_METADATA_BYTES (${limits.maxMetadataBytes}) bytes`),
);

/** An amount to add to a counter. */
const Step = v.pipe(
  jsonNumber("must be a whole number"),
  v.safeInteger("must be a whole number within ±2^53"),
  v.description("Amount to add (may be negative); default 1"),
);

/** The RFC 9457 problem body every error answers with. */
export const Problem = v.object({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  detail: v.string(),
  code: v.pipe(v.string(), v.description("Stable machine-readable error code")),
});

// The compatible API.

/** `POST /set` body. */
export const SetBody = v.object(
  {
    key: KeyField,
    value: JsonValue,
    ttl: v.optional(
      v.nullable(v.pipe(TtlSeconds, v.description("Seconds until the key expires; null or absent: never"))),
    ),
  },
  "The body must be a JSON object with 'key' and 'value'",
);

/** `{"message": ...}` answers of the compatible API. */
export const MessageAnswer = v.object({ message: v.string() });

/** `GET /get/{key}` answer. */
export const ValueAnswer = v.object({ value: JsonValue });

/** `GET /exists/{key}` answer. */
export const ExistsAnswer = v.object({ key: v.string(), exists: v.boolean() });

/** `GET /` answer. */
export const HealthAnswer = v.object({
  message: v.string(),
  backend: v.picklist(["memory", "upstash"]),
  status: v.picklist(["ok", "misconfigured"]),
  code: v.optional(v.pipe(v.string(), v.description("What the data routes answer while misconfigured"))),
  error: v.optional(v.string()),
  setting: v.optional(v.pipe(v.string(), v.description("The setting to fix"))),
  settings: v.optional(v.pipe(v.array(v.string()), v.description("The settings of which one must be set"))),
});

// The v1 API.

/** Query of `PUT /v1/kv/{key}`: at most one of the three expiry choices. */
export const PutQuery = v.object({
  ttl: v.optional(Ttl),
  expires_at: v.optional(UnixSeconds),
  keep_ttl: v.optional(v.pipe(v.boolean("must be 1 or true"), v.description("1: keep the key's current expiry"))),
});

/** Headers of a conditional write. */
export const ConditionHeaders = v.object({
  "If-Match": v.optional(v.pipe(v.string(), v.description('Apply only if the key is at this version: "42"'))),
  "If-None-Match": v.optional(v.pipe(v.string(), v.description("*: create only (PUT)"))),
});

/** Headers of `PUT /v1/kv/{key}`. */
export const PutHeaders = v.object({
  ...ConditionHeaders.entries,
  "KV-Metadata": v.optional(
    v.pipe(
      v.string(),
      v.description(
        `A JSON object of at most ${limits.maxMetadataBytes} bytes stored with the value; a PUT without it clears it`,
      ),
    ),
  ),
});

/** Headers of `GET /v1/kv/{key}`. */
export const ReadHeaders = v.object({
  "If-None-Match": v.optional(
    v.pipe(v.string(), v.description('The version you hold: "42" answers 304 when it is current')),
  ),
});

/** Query of `GET /v1/kv`. */
export const ListQuery = v.object({
  prefix: v.optional(v.pipe(v.string(), v.description("Only keys starting with this text (default: all)"))),
  limit: v.optional(
    v.pipe(
      v.number("must be a whole number"),
      v.integer("must be a whole number"),
      v.minValue(1, "must be at least 1"),
      v.description(
        `Page size, default ${DEFAULTS.listPageSize} (or KV_MAX_LIST_LIMIT if lower), at most KV_MAX_LIST_LIMIT (${limits.maxListLimit})`,
      ),
    ),
  ),
  cursor: v.optional(v.pipe(v.string(), v.description("The cursor of the previous page"))),
});

/** `PATCH /v1/kv/{key}` body: exactly one of the members. */
export const PatchBody = v.object(
  { ttl: v.optional(Ttl), expires_at: v.optional(UnixSeconds), persist: v.optional(Persist) },
  "The body must be a JSON object with one of 'ttl', 'expires_at' or 'persist'",
);

/** `POST /v1/kv/{key}/incr` body (optional). */
export const IncrBody = v.object(
  {
    by: v.optional(Step),
    ttl: v.optional(v.pipe(Ttl, v.description("Expiry applied only when the increment creates the key"))),
  },
  "The body must be a JSON object",
);

const PutOp = v.object({
  op: v.literal("put"),
  key: KeyField,
  value: JsonValue,
  ttl: v.optional(Ttl),
  expires_at: v.optional(UnixSeconds),
  keep_ttl: v.optional(KeepTtl),
  metadata: v.optional(MetadataInput),
});
const DeleteOp = v.object({ op: v.literal("delete"), key: KeyField });
const IncrOp = v.object({ op: v.literal("incr"), key: KeyField, by: v.optional(Step), ttl: v.optional(Ttl) });
const ExpireOp = v.object({
  op: v.literal("expire"),
  key: KeyField,
  ttl: v.optional(Ttl),
  expires_at: v.optional(UnixSeconds),
  persist: v.optional(Persist),
});

/** One operation of `POST /v1/batch`. */
export const BatchOp = v.variant(
  "op",
  [v.object({ op: v.literal("get"), key: KeyField }), PutOp, DeleteOp, IncrOp, ExpireOp],
  "must have 'op' get, put, delete, incr or expire",
);

/** One operation of `POST /v1/txn`: the writes of a batch. */
export const TxnOp = v.variant("op", [PutOp, DeleteOp, IncrOp, ExpireOp], "must have 'op' put, delete, incr or expire");

/** A version, as ETag and `version` give it. */
const Version = v.pipe(
  jsonNumber("must be a version (a whole number from 0)"),
  v.safeInteger("must be a version (a whole number from 0)"),
  v.minValue(0, "must be a version (a whole number from 0)"),
);

/** One check of `POST /v1/txn`: exactly one of `version`, `absent`, `present`. */
export const TxnCheck = v.pipe(
  v.object(
    {
      key: KeyField,
      version: v.optional(v.pipe(Version, v.description("The key exists at exactly this version"))),
      absent: v.optional(v.pipe(v.literal(true, "must be true"), v.description("The key does not exist"))),
      present: v.optional(v.pipe(v.literal(true, "must be true"), v.description("The key exists"))),
    },
    "must be an object with 'key'",
  ),
  v.check(
    (check) => [check.version, check.absent, check.present].filter((given) => given !== undefined).length === 1,
    "must have exactly one of 'version', 'absent', 'present'",
  ),
);

/** `POST /v1/txn` body. */
export const TxnBody = v.object(
  {
    checks: v.optional(v.array(TxnCheck, "must be an array of checks"), []),
    ops: v.pipe(
      v.array(TxnOp, "must be an array of operations"),
      v.minLength(1, "must hold at least one operation"),
      v.description(
        `Applied all or none, at one revision; with the checks, at most KV_MAX_BATCH_OPS (${limits.maxBatchOps}); a key at most once`,
      ),
    ),
  },
  "The body must be a JSON object with 'ops' (and 'checks')",
);

/** Answer of `POST /v1/txn`. */
export const TxnAnswer = v.object({
  revision: v.pipe(v.number(), v.description("The one revision every written key now has")),
  results: v.array(
    v.object({
      op: v.picklist(["put", "delete", "incr", "expire"]),
      key: v.string(),
      status: v.number(),
      version: v.optional(v.number()),
      expires_at: v.optional(ExpiresAtMs),
      value: v.optional(JsonValue),
    }),
  ),
});

/** `POST /v1/batch` body. */
export const BatchBody = v.object(
  {
    ops: v.pipe(
      v.array(BatchOp, "must be an array of operations"),
      v.minLength(1, "must hold at least one operation"),
      v.description(
        `Operations run in order, at most KV_MAX_BATCH_OPS (${limits.maxBatchOps}); the batch is not atomic`,
      ),
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
  op: v.picklist(["get", "put", "delete", "incr", "expire"]),
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

// Backups and the change feed.

/** Query of `GET /v1/export`. */
export const ExportQuery = v.object({
  prefix: v.optional(v.pipe(v.string(), v.description("Only keys starting with this text (default: all)"))),
});

/** Query of `POST /v1/import`. */
export const ImportQuery = v.object({
  mode: v.optional(
    v.pipe(
      v.picklist(["upsert", "create_only"], "must be upsert or create_only"),
      v.description(
        "upsert (default) writes every line; create_only writes only keys that do not exist (an existing key is a failed line)",
      ),
    ),
    "upsert",
  ),
});

/** One key line of an export, as import reads it (`version` is ignored). */
export const ImportLine = v.object(
  {
    key: KeyField,
    value: JsonValue,
    version: v.optional(v.unknown()),
    expires_at: v.optional(
      v.nullable(v.pipe(jsonNumber("must be unix milliseconds"), v.safeInteger("must be unix milliseconds"))),
    ),
    metadata: v.optional(v.nullable(MetadataInput)),
  },
  "must be a JSON object with 'key' and 'value'",
);

/** Answer of `POST /v1/import`. */
export const ImportAnswer = v.object({
  imported: v.pipe(v.number(), v.description("Lines written")),
  skipped: v.pipe(v.number(), v.description("Lines whose expires_at had passed")),
  failed: v.array(
    v.object({
      line: v.pipe(v.number(), v.description("1-based line number in the request body")),
      code: v.string(),
      detail: v.string(),
    }),
  ),
  failed_not_listed: v.pipe(v.number(), v.description("Failed lines beyond the first hundred listed")),
});

/** Query of `GET /v1/watch`. */
export const WatchQuery = v.object({
  prefix: v.optional(v.pipe(v.string(), v.description("Only changes of keys starting with this text (default: all)"))),
  since: v.optional(
    v.pipe(
      v.number("must be a revision"),
      v.safeInteger("must be a revision"),
      v.minValue(0, "must be a revision"),
      v.description("Start right after this revision (Last-Event-ID wins); default: the current revision"),
    ),
  ),
  values: v.optional(v.pipe(v.boolean("must be 1 or 0"), v.description("1: events of puts carry the value"))),
});

/** Headers of `GET /v1/watch`. */
export const WatchHeaders = v.object({
  "Last-Event-ID": v.optional(
    v.pipe(v.string(), v.description("The last revision received: EventSource sends it when it reconnects")),
  ),
});
