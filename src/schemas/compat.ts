import * as v from "valibot";
import { JsonValue, KeyField, TtlSeconds } from "./common";

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
  error: v.optional(v.string()),
  setting: v.optional(v.string()),
});
