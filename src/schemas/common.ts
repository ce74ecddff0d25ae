import * as v from "valibot";
import { MAX_TTL_SECONDS } from "../http/ttl";

/** Any JSON value: null, booleans, numbers, strings, arrays, objects. */
export const JsonValue = v.pipe(
  v.unknown(),
  v.description('Any JSON value, null, false, 0 and "" included. Numbers keep their exact text.'),
);

/** A key in a body: checked further against the configured byte limit. */
export const KeyField = v.pipe(
  v.string("must be a non-empty string"),
  v.description("Non-empty, at most KV_MAX_KEY_BYTES (512) bytes of UTF-8, not starting with '__edgekv__:'"),
);

/** A TTL in whole seconds, as the compatible API takes it. */
export const TtlSeconds = v.pipe(
  v.number("must be a whole number of seconds"),
  v.integer("must be a whole number of seconds"),
  v.minValue(1, "must be positive"),
  v.maxValue(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds`),
);

/** Unix time in milliseconds, or null without expiry. */
export const ExpiresAtMs = v.pipe(
  v.nullable(v.number()),
  v.description("Unix time in milliseconds at which the key expires, or null"),
);

/** A metadata object as reported back. */
export const MetadataObject = v.pipe(
  v.nullable(v.record(v.string(), v.unknown())),
  v.description("The key's metadata object (from the KV-Metadata header), or null"),
);

/** The RFC 9457 problem body every error answers with. */
export const Problem = v.object({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  detail: v.string(),
  code: v.pipe(v.string(), v.description("Stable machine-readable error code")),
});
