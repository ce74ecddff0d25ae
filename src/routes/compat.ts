import { Hono } from "hono";
import type * as v from "valibot";
import { jsonAnswer, jsonText } from "../http/answers";
import { type AppEnv, jsonBody, pathKey, route } from "../http/route";
import { idempotent, runWrite } from "../http/writes";
import { keyNotFound } from "../problems";
import { chosenExpiry } from "../rules/expiry";
import { valueText } from "../rules/json";
import { ExistsAnswer, MessageAnswer, SetBody, ValueAnswer } from "../schemas";

/** The route parameter of a key in a path: any characters, slashes and line terminators included. */
export const KEY = ":key{[\\s\\S]+}";

/** Room in a body for everything around one value: keys, options, syntax. */
export const BODY_OVERHEAD_BYTES = 16 * 1024;

/** The older services' REST API, answered exactly as they did. */
export const compatRoutes = new Hono<AppEnv>()
  .post(
    "/set",
    route({
      scope: "write",
      tag: "compatible",
      summary: "Store a value under a key, optionally with a TTL",
      description: "A set without ttl clears any earlier TTL. Any JSON value is stored, null included.",
      responses: {
        200: {
          description: "Stored",
          schema: MessageAnswer,
          example: { message: "Key 'greeting' stored successfully" },
        },
      },
      errors: ["value_too_large"],
    }),
    jsonBody(SetBody, {
      limit: (limits) => limits.maxValueBytes + BODY_OVERHEAD_BYTES,
      keys: (body) => [{ key: body.key }],
      example: { key: "greeting", value: { text: "hello" }, ttl: 60 },
    }),
    idempotent(),
    async (c) => {
      const { key, value, ttl } = c.req.valid("json");
      const json = valueText(value, c.get("setup").config.limits.maxValueBytes);
      const expiry = chosenExpiry({ ttl }, Date.now(), { kind: "none" });
      await runWrite(c, { op: "put", key, input: { json, expiry, metadata: null, condition: { kind: "always" } } });
      return jsonAnswer({ message: `Key '${key}' stored successfully` });
    },
  )
  .get(
    `/get/${KEY}`,
    route({
      scope: "read",
      tag: "compatible",
      summary: "Read a key's value",
      responses: { 200: { description: "The value", schema: ValueAnswer, example: { value: { text: "hello" } } } },
      errors: ["key_not_found"],
    }),
    pathKey(),
    async (c) => {
      const { key } = c.req.valid("param");
      const json = await c.get("store").getJson(key);
      if (json === null) throw keyNotFound(key);
      return jsonText<v.InferOutput<typeof ValueAnswer>>(`{"value":${json}}`);
    },
  )
  .delete(
    `/delete/${KEY}`,
    route({
      scope: "write",
      tag: "compatible",
      summary: "Delete a key",
      responses: {
        200: {
          description: "Deleted",
          schema: MessageAnswer,
          example: { message: "Key 'greeting' deleted successfully" },
        },
      },
      errors: ["key_not_found"],
    }),
    pathKey(),
    idempotent(),
    async (c) => {
      const { key } = c.req.valid("param");
      const { result } = await runWrite(c, { op: "delete", key, condition: { kind: "always" } });
      if (result.status !== "deleted") throw keyNotFound(key);
      return jsonAnswer({ message: `Key '${key}' deleted successfully` });
    },
  )
  .get(
    `/exists/${KEY}`,
    route({
      scope: "read",
      tag: "compatible",
      summary: "Tell whether a key exists",
      responses: {
        200: { description: "The answer", schema: ExistsAnswer, example: { key: "greeting", exists: true } },
      },
    }),
    pathKey(),
    async (c) => {
      const { key } = c.req.valid("param");
      return jsonAnswer({ key, exists: await c.get("store").exists(key) });
    },
  );
