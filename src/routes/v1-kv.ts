import { Hono } from "hono";
import { entryHeaders, jsonText, jsonWithRaw } from "../http/answers";
import type { AppEnv } from "../http/app-env";
import { readBoundedText, requireJsonContentType } from "../http/body";
import { chosenExpiry, expiryAfter } from "../http/expiry";
import { parseJson } from "../http/json";
import { checkKey, KEY_PARAM, keyFromPath } from "../http/key";
import { metadataFromHeader } from "../http/metadata";
import { etagOf, notModified, preconditionFailed, writeConditionOf } from "../http/preconditions";
import { ApiError, keyNotFound } from "../http/problem";
import { parseWith } from "../http/validate";
import { valueText } from "../http/value";
import { IncrBody, PatchBody, PutQuery } from "../schemas/v1";

const KV_PATH = "/v1/kv/";
const INCR_SUFFIX = "/incr";
/** Room for a small JSON body (PATCH, incr). */
const SMALL_BODY_BYTES = 4096;

/** Reads an optional small JSON body; an empty body reads as `{}`. */
async function smallBody(request: Request, contentType: string | undefined): Promise<unknown> {
  const text = await readBoundedText(request, SMALL_BODY_BYTES);
  if (text.trim() === "") return {};
  requireJsonContentType(contentType);
  return parseJson(text);
}

const decimal = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

/** The v1 resource API for single keys: values, versions, conditions, TTL, counters. */
export const v1KeyRoutes = new Hono<AppEnv>()
  .put(`/v1/kv/${KEY_PARAM}`, async (c) => {
    const { limits } = c.var.config;
    const key = checkKey(keyFromPath(c.req.url, KV_PATH), limits, 414);
    c.var.access.require("write", key);
    const query = parseWith(PutQuery, c.req.query(), "invalid_query");
    const expiry = chosenExpiry(
      { ttl: decimal(query.ttl), expires_at: decimal(query.expires_at), keep_ttl: query.keep_ttl !== undefined },
      Date.now(),
      { kind: "none" },
    );
    const metadata = metadataFromHeader(c.req.header("kv-metadata"), limits);
    const condition = writeConditionOf(c.req.raw.headers, true);
    requireJsonContentType(c.req.header("content-type"));
    const json = valueText(parseJson(await readBoundedText(c.req.raw, limits.maxValueBytes)), limits);
    const result = await c.var.store.put(key, { json, expiry, metadata, condition });
    if (result.status === "conflict") throw preconditionFailed(key);
    return c.json(
      { key, version: result.version, expires_at: result.expiresAt },
      result.status === "created" ? 201 : 200,
      { ETag: etagOf(result.version) },
    );
  })
  .get(`/v1/kv/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, KV_PATH), c.var.config.limits, 414);
    c.var.access.require("read", key);
    const entry = await c.var.store.get(key);
    if (entry === null) throw keyNotFound(key);
    const headers = entryHeaders(entry);
    if (notModified(c.req.raw.headers, entry.version)) return new Response(null, { status: 304, headers });
    return jsonText(entry.json, 200, headers);
  })
  .delete(`/v1/kv/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, KV_PATH), c.var.config.limits, 414);
    c.var.access.require("write", key);
    const result = await c.var.store.delete(key, writeConditionOf(c.req.raw.headers, false));
    if (result.status === "conflict") throw preconditionFailed(key);
    if (result.status === "missing") throw keyNotFound(key);
    return c.body(null, 204);
  })
  .patch(`/v1/kv/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, KV_PATH), c.var.config.limits, 414);
    c.var.access.require("write", key);
    const body = parseWith(PatchBody, await smallBody(c.req.raw, c.req.header("content-type")), "body_not_object");
    const expiry = chosenExpiry(body, Date.now(), null);
    const result = await c.var.store.expire(key, expiry, writeConditionOf(c.req.raw.headers, false));
    if (result.status !== "updated") throw result.status === "conflict" ? preconditionFailed(key) : keyNotFound(key);
    return c.json({ key, version: result.version, expires_at: result.expiresAt }, 200, {
      ETag: etagOf(result.version),
    });
  })
  .post(`/v1/kv/${KEY_PARAM}/incr`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, KV_PATH, INCR_SUFFIX), c.var.config.limits, 414);
    c.var.access.require("write", key);
    const body = parseWith(IncrBody, await smallBody(c.req.raw, c.req.header("content-type")), "body_not_object");
    const expiryOnCreate = body.ttl === undefined ? { kind: "none" as const } : expiryAfter(body.ttl, Date.now());
    const result = await c.var.store.incr(key, { by: body.by ?? 1, expiryOnCreate });
    if (result.status === "not_integer") {
      throw new ApiError(
        409,
        "not_an_integer",
        `Key '${key}' holds a value that is not a 64-bit integer, or the sum would overflow; nothing was changed`,
        { key },
      );
    }
    return jsonText(jsonWithRaw({ version: result.version }, { value: result.value }), 200, {
      ETag: etagOf(result.version),
    });
  });
