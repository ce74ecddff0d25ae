// Bare Hono: the ceiling for edge-kv's Map backend. A plain Hono app, written
// the way the framework's documentation shows, with an in-isolate Map, serving
// the four routes the Map scenarios drive with the bodies and statuses edge-kv
// answers them with. It does the same work a request needs (route, parse the
// JSON body, store, answer JSON) and none of what edge-kv adds on top (auth,
// validation, limits, security headers, request ids, logs): the ratio
// edge-kv ÷ bare Hono is what those additions cost. Not tuned, not crippled:
// change it only to keep it plain and idiomatic. The bench bundles it with
// wrangler, as edge-kv is bundled, and serves it from the same workerd.
// `bareHonoApp(headers)` is the same app answering with extra headers as well
// (bench/bare-hono-headers-worker.ts: edge-kv's answer headers), each answer
// made as edge-kv makes its own: from a Headers object made once, then the
// answer's own headers set on it.
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

interface Entry {
  value: unknown;
  version: number;
}

/** Headers every answer carries besides its own: `fixed` the same on each, `fresh` made per answer. */
export interface AnswerHeaders {
  fixed: Readonly<Record<string, string>>;
  fresh: () => Record<string, string>;
}

/** The app; with `answerHeaders`, every answer also carries them. */
export function bareHonoApp(answerHeaders?: AnswerHeaders) {
  const store = new Map<string, Entry>();
  let lastVersion = 0;

  const app = new Hono();

  // As edge-kv makes its answers: from a Headers object made once, then each answer's own headers.
  const extra =
    answerHeaders === undefined
      ? undefined
      : {
          template: new Headers({ "Content-Type": "application/json", ...answerHeaders.fixed }),
          fresh: answerHeaders.fresh,
        };

  const json = (c: Context, body: unknown, status: ContentfulStatusCode = 200, headers?: Record<string, string>) => {
    if (extra === undefined) return c.json(body, status, headers);
    const response = new Response(JSON.stringify(body), { status, headers: extra.template });
    for (const [name, value] of Object.entries({ ...extra.fresh(), ...headers })) response.headers.set(name, value);
    return response;
  };

  /** The problem document edge-kv answers for a missing key, byte for byte. */
  function keyNotFound(c: Context, key: string): Response {
    const problem = {
      type: "urn:edge-kv:problem:key_not_found",
      title: "Not Found",
      status: 404,
      detail: `Key '${key}' not found`,
      code: "key_not_found",
      key,
    };
    return json(c, problem, 404, { "Content-Type": "application/problem+json" });
  }

  function put(key: string, value: unknown): { entry: Entry; created: boolean } {
    const created = !store.has(key);
    const entry = { value, version: ++lastVersion };
    store.set(key, entry);
    return { entry, created };
  }

  // The older services' API: POST /set and GET /get/{key}.
  app.post("/set", async (c) => {
    const { key, value } = await c.req.json<{ key: string; value: unknown }>();
    put(key, value);
    return json(c, { message: `Key '${key}' stored successfully` });
  });

  app.get("/get/:key", (c) => {
    const key = c.req.param("key");
    const entry = store.get(key);
    if (entry === undefined) return keyNotFound(c, key);
    return json(c, { value: entry.value });
  });

  // The v1 API: the value itself as the body, its version as the ETag.
  app.put("/v1/kv/:key", async (c) => {
    const key = c.req.param("key");
    const { entry, created } = put(key, await c.req.json());
    return json(c, { key, version: entry.version, expires_at: null }, created ? 201 : 200, {
      ETag: `"${entry.version}"`,
    });
  });

  app.get("/v1/kv/:key", (c) => {
    const key = c.req.param("key");
    const entry = store.get(key);
    if (entry === undefined) return keyNotFound(c, key);
    return json(c, entry.value, 200, { ETag: `"${entry.version}"` });
  });

  return app;
}

export default bareHonoApp();
