import { Hono } from "hono";
import type * as v from "valibot";
import { entryHeaders, jsonAnswer, jsonText, jsonWithRaw } from "../http/answers";
import { type AppEnv, headers, jsonBody, pathKey, query, type ResponseDoc, route } from "../http/route";
import { idempotent, runWrite } from "../http/writes";
import { ApiError, keyNotFound } from "../problems";
import { decodeCursor, encodeCursor } from "../rules/cursor";
import { chosenExpiry } from "../rules/expiry";
import { metadataFromHeader, valueText } from "../rules/json";
import { etagOf, notModified, preconditionFailed, writeConditionOf } from "../rules/preconditions";
import {
  ConditionHeaders,
  IncrAnswer,
  IncrBody,
  JsonValue,
  ListAnswer,
  ListQuery,
  PatchBody,
  PutHeaders,
  PutQuery,
  ReadHeaders,
  ReindexAnswer,
  WriteAnswer,
} from "../schemas";
import { DEFAULTS } from "../settings";
import { KEY } from "./compat";

/** Room for a small JSON body (PATCH, incr). */
const SMALL_BODY_BYTES = 4096;

const ENTRY_HEADERS = {
  ETag: 'The version, quoted: "42"',
  "KV-Expires-At": "Unix milliseconds of the expiry (absent without one)",
  "KV-Metadata": "The metadata object, as JSON with non-ASCII characters escaped (absent without one)",
};

const written = (description: string): ResponseDoc => ({
  description,
  schema: WriteAnswer,
  example: { key: "greeting", version: 42, expires_at: null },
  headers: { ETag: "The new version" },
});

/** The v1 resource API: single keys (values, versions, conditions, TTL, counters), listing, store-wide operations. */
export const v1Routes = new Hono<AppEnv>()
  .put(
    `/v1/kv/${KEY}`,
    route({
      scope: "write",
      tag: "v1",
      summary: "Write a value; the body is the JSON value itself",
      description:
        "Creates (201) or replaces (200) the key and gives it the next store-wide version. " +
        "If-Match makes it apply only to that version, If-None-Match: * only when the key is missing; otherwise 412 and nothing changes.",
      responses: { 200: written("Replaced"), 201: written("Created") },
      errors: [
        "invalid_ttl",
        "invalid_expires_at",
        "invalid_keep_ttl",
        "conflicting_expiry",
        "invalid_metadata",
        "metadata_too_large",
        "invalid_precondition",
        "precondition_failed",
        "value_too_large",
      ],
    }),
    pathKey(),
    query(PutQuery),
    headers(PutHeaders, ["invalid_precondition"]),
    jsonBody(JsonValue, { limit: (limits) => limits.maxValueBytes, example: { text: "hello" } }),
    idempotent(),
    async (c) => {
      const { key } = c.req.valid("param");
      const { limits } = c.get("setup").config;
      const given = c.req.valid("header");
      const expiry = chosenExpiry(c.req.valid("query"), Date.now(), { kind: "none" });
      const metadata = metadataFromHeader(given["KV-Metadata"], limits.maxMetadataBytes);
      const condition = writeConditionOf(given, true);
      const json = valueText(c.req.valid("json"), limits.maxValueBytes);
      const { result } = await runWrite(c, { op: "put", key, input: { json, expiry, metadata, condition } });
      if (result.status === "conflict") throw preconditionFailed(key);
      return jsonAnswer(
        { key, version: result.version, expires_at: result.expiresAt },
        result.status === "created" ? 201 : 200,
        {
          ETag: etagOf(result.version),
        },
      );
    },
  )
  .get(
    `/v1/kv/${KEY}`,
    route({
      scope: "read",
      tag: "v1",
      summary: "Read a value with its version, expiry and metadata",
      head: "The headers of GET, without the body",
      responses: {
        200: {
          description: "The stored value itself",
          schema: JsonValue,
          example: { text: "hello" },
          headers: ENTRY_HEADERS,
        },
        304: { description: "Not modified", headers: { ETag: "The version" } },
      },
      errors: ["key_not_found"],
    }),
    pathKey(),
    headers(ReadHeaders),
    async (c) => {
      const { key } = c.req.valid("param");
      const entry = await c.get("store").get(key);
      if (entry === null) throw keyNotFound(key);
      const answer = entryHeaders(entry);
      if (notModified(c.req.valid("header")["If-None-Match"], entry.version)) {
        return new Response(null, { status: 304, headers: answer });
      }
      return jsonText(entry.json, 200, answer);
    },
  )
  .delete(
    `/v1/kv/${KEY}`,
    route({
      scope: "write",
      tag: "v1",
      summary: "Delete a key",
      responses: { 204: { description: "Deleted" } },
      errors: ["key_not_found", "invalid_precondition", "precondition_failed"],
    }),
    pathKey(),
    headers(ConditionHeaders, ["invalid_precondition"]),
    idempotent(),
    async (c) => {
      const { key } = c.req.valid("param");
      const condition = writeConditionOf(c.req.valid("header"), false);
      const { result } = await runWrite(c, { op: "delete", key, condition });
      if (result.status === "conflict") throw preconditionFailed(key);
      if (result.status === "missing") throw keyNotFound(key);
      return c.body(null, 204);
    },
  )
  .patch(
    `/v1/kv/${KEY}`,
    route({
      scope: "write",
      tag: "v1",
      summary: "Change or remove the expiry without rewriting the value",
      responses: { 200: written("Expiry changed") },
      errors: [
        "invalid_ttl",
        "invalid_expires_at",
        "invalid_persist",
        "conflicting_expiry",
        "missing_expiry",
        "key_not_found",
        "invalid_precondition",
        "precondition_failed",
      ],
    }),
    pathKey(),
    headers(ConditionHeaders, ["invalid_precondition"]),
    jsonBody(PatchBody, { limit: () => SMALL_BODY_BYTES, example: { ttl: 3600 } }),
    idempotent(),
    async (c) => {
      const { key } = c.req.valid("param");
      const expiry = chosenExpiry(c.req.valid("json"), Date.now(), null);
      const condition = writeConditionOf(c.req.valid("header"), false);
      const { result } = await runWrite(c, { op: "expire", key, expiry, condition });
      if (result.status !== "updated") throw result.status === "conflict" ? preconditionFailed(key) : keyNotFound(key);
      return jsonAnswer({ key, version: result.version, expires_at: result.expiresAt }, 200, {
        ETag: etagOf(result.version),
      });
    },
  )
  .post(
    `/v1/kv/${KEY}/incr`,
    route({
      scope: "write",
      tag: "v1",
      summary: "Add to an integer counter atomically; a missing key starts at 0",
      responses: {
        200: {
          description: "The new value",
          schema: IncrAnswer,
          example: { value: 6, version: 43 },
          headers: { ETag: "The new version" },
        },
      },
      errors: ["invalid_by", "invalid_ttl", "not_an_integer"],
    }),
    pathKey(),
    jsonBody(IncrBody, { limit: () => SMALL_BODY_BYTES, optional: true, example: { by: 5, ttl: 60 } }),
    idempotent(),
    async (c) => {
      const { key } = c.req.valid("param");
      const { by, ttl } = c.req.valid("json");
      const expiryOnCreate = chosenExpiry({ ttl }, Date.now(), { kind: "none" });
      const { result } = await runWrite(c, { op: "incr", key, input: { by: by ?? 1, expiryOnCreate } });
      if (result.status === "not_integer") {
        throw new ApiError("not_an_integer", {
          detail: `Key '${key}' holds a value that is not a 64-bit integer, or the sum would overflow; nothing was changed`,
          extras: { key },
        });
      }
      return jsonText<v.InferOutput<typeof IncrAnswer>>(
        jsonWithRaw({ version: result.version }, { value: result.value }),
        200,
        {
          ETag: etagOf(result.version),
        },
      );
    },
  )
  .get(
    "/v1/kv",
    route({
      scope: "read",
      tag: "v1",
      summary: "List keys in byte-wise lexicographic order, a page at a time",
      description: "Never lists an expired key; a key that exists throughout a listing appears exactly once.",
      responses: {
        200: {
          description: "A page",
          schema: ListAnswer,
          example: {
            keys: [{ key: "greeting", version: 42, expires_at: null, metadata: null }],
            cursor: null,
            complete: true,
          },
        },
      },
      errors: ["invalid_limit", "invalid_cursor"],
    }),
    query(ListQuery, { prefix: (query) => query.prefix ?? "" }),
    async (c) => {
      const { maxListLimit } = c.get("setup").config.limits;
      const { prefix = "", limit = Math.min(DEFAULTS.listPageSize, maxListLimit), cursor } = c.req.valid("query");
      if (limit > maxListLimit) {
        throw new ApiError("invalid_limit", {
          detail: `'limit' is ${limit}; the most is ${maxListLimit}`,
          extras: { field: "limit", limit: maxListLimit, size: limit },
        });
      }
      const after = cursor === undefined ? null : decodeCursor(cursor, prefix);
      const page = await c.get("store").list({ prefix, after, limit });
      const last = page.entries.at(-1);
      const keys = page.entries.map((entry) =>
        jsonWithRaw(
          { key: entry.key, version: entry.version, expires_at: entry.expiresAt },
          { metadata: entry.metadata ?? "null" },
        ),
      );
      const next = page.complete || last === undefined ? null : encodeCursor(prefix, last.key);
      return jsonText<v.InferOutput<typeof ListAnswer>>(
        `{"keys":[${keys.join(",")}],"cursor":${JSON.stringify(next)},"complete":${page.complete}}`,
      );
    },
  )
  .post(
    "/v1/admin/reindex",
    route({
      scope: "admin",
      storeWide: true,
      tag: "admin",
      summary: "Add keys written outside the API (older services, redis-cli) to the ordered listing",
      responses: { 200: { description: "Done", schema: ReindexAnswer, example: { indexed: 3 } } },
    }),
    async (c) => jsonAnswer({ indexed: await c.get("store").reindex() }),
  );
