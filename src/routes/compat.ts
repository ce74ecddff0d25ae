import { Hono } from "hono";
import { jsonText } from "../http/answers";
import type { AppEnv } from "../http/app-env";
import { readBoundedText, requireJsonContentType } from "../http/body";
import { parseJson } from "../http/json";
import { checkKey, KEY_PARAM, keyFromPath } from "../http/key";
import { keyNotFound } from "../http/problem";
import { parseWith } from "../http/validate";
import { valueText } from "../http/value";
import { SetBody } from "../schemas/compat";
import type { Expiry } from "../store/types";

/** Room in a /set body for everything around the value: key, ttl, syntax. */
const ENVELOPE_BYTES = 16 * 1024;

/** The older services' REST API, answered exactly as they did. */
export const compatRoutes = new Hono<AppEnv>()
  .post("/set", async (c) => {
    const { limits } = c.var.config;
    requireJsonContentType(c.req.header("content-type"));
    const text = await readBoundedText(c.req.raw, limits.maxValueBytes + ENVELOPE_BYTES);
    const body = parseWith(SetBody, parseJson(text), "body_not_object");
    const key = checkKey(body.key, limits);
    c.var.access.require("write", key);
    const ttl = body.ttl ?? null;
    const json = valueText(body.value, limits);
    const expiry: Expiry = ttl === null ? { kind: "none" } : { kind: "at", at: Date.now() + ttl * 1000 };
    await c.var.store.put(key, { json, expiry, metadata: null, condition: { kind: "always" } });
    return c.json({ message: `Key '${key}' stored successfully` });
  })
  .get(`/get/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, "/get/"), c.var.config.limits, 414);
    c.var.access.require("read", key);
    const json = await c.var.store.getJson(key);
    if (json === null) throw keyNotFound(key);
    return jsonText(`{"value":${json}}`);
  })
  .delete(`/delete/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, "/delete/"), c.var.config.limits, 414);
    c.var.access.require("write", key);
    const result = await c.var.store.delete(key, { kind: "always" });
    if (result.status !== "deleted") throw keyNotFound(key);
    return c.json({ message: `Key '${key}' deleted successfully` });
  })
  .get(`/exists/${KEY_PARAM}`, async (c) => {
    const key = checkKey(keyFromPath(c.req.url, "/exists/"), c.var.config.limits, 414);
    c.var.access.require("read", key);
    return c.json({ key, exists: await c.var.store.exists(key) });
  });
