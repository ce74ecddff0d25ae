import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { hc } from "hono/client";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { openApiPath } from "../../src/http/openapi";
import {
  type AppEnv,
  checkDeclarations,
  groupRoutes,
  inputSpecOf,
  pathKey,
  route,
  routeSpecOf,
} from "../../src/http/route";
import type { AppType } from "../../src/index";
import app from "../../src/index";
import { uniqueKey, workerFetch } from "../support/http";

interface OpenApi {
  openapi: string;
  servers: { url: string }[];
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, { description: string }>;
        requestBody?: unknown;
        security: unknown[];
        parameters: { name: string; in: string; schema: { type?: string } }[];
      }
    >
  >;
}

async function documentOf(): Promise<OpenApi> {
  return (await (await workerFetch("/openapi.json")).json()) as OpenApi;
}

describe("OpenAPI document, generated from the route declarations", () => {
  it("describes every registered route, and nothing that is not one", async () => {
    const doc = await documentOf();
    expect(doc.openapi).toBe("3.1.0");
    const registered = [...groupRoutes(app.routes).keys()].map((id) => {
      const [method, path] = id.split(" ") as [string, string];
      return `${method.toLowerCase()} ${openApiPath(path)}`;
    });
    expect(registered.length).toBeGreaterThan(10);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    for (const operation of registered) expect(documented).toContain(operation);
    // HEAD is served by the GET route; every other documented operation is a route.
    for (const operation of documented.filter((o) => !o.startsWith("head "))) expect(registered).toContain(operation);
  });

  it("gives every operation its security, typed query parameters and the problem codes it answers", async () => {
    const doc = await documentOf();
    expect(doc.servers).toEqual([{ url: "http://kv" }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(Array.isArray(operation.security), `${method} ${path}`).toBe(true);
        if (operation.security.length > 0) {
          expect(operation.responses["401"]?.description, `${method} ${path}`).toContain("unauthorized");
          expect(operation.responses["503"]?.description, `${method} ${path}`).toContain("storage_unavailable");
        }
      }
    }
    expect(doc.paths["/"]?.get?.security).toEqual([]);
    expect(doc.paths["/v1/kv/{key}"]?.put?.security).toEqual([{ bearer: [] }]);
    const listing = doc.paths["/v1/kv"]?.get?.parameters ?? [];
    expect(listing.find((p) => p.name === "limit")?.schema.type).toBe("integer");
    const put = doc.paths["/v1/kv/{key}"]?.put?.parameters ?? [];
    expect(put.find((p) => p.name === "ttl")?.schema.type).toBe("number");
    expect(put.find((p) => p.name === "keep_ttl")?.schema.type).toBe("boolean");
    expect(put.find((p) => p.name === "If-Match")?.in).toBe("header");
    expect(doc.paths["/set"]?.post?.requestBody).toMatchObject({
      content: { "application/json": { schema: { required: ["key", "value"] } } },
    });
    expect(doc.paths["/v1/batch"]?.post?.responses["413"]?.description).toContain("too_many_operations");
    expect(doc.paths["/get/{key}"]?.get?.responses["414"]?.description).toContain("key_too_long");
  });

  it("has examples that pass the very schemas that validate requests and describe answers", () => {
    let checked = 0;
    for (const [id, handlers] of groupRoutes(app.routes)) {
      for (const handler of handlers) {
        const input = inputSpecOf(handler);
        if (input?.body?.example !== undefined) {
          expect(v.safeParse(input.schema, input.body.example).success, id).toBe(true);
          checked++;
        }
        for (const [status, response] of Object.entries(routeSpecOf(handler)?.responses ?? {})) {
          if (response.schema === undefined) continue;
          expect(v.safeParse(response.schema, response.example).success, `${id} ${status}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it("renders the reference at /docs", async () => {
    const res = await workerFetch("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>edge-kv API</title>");
    expect(html).toContain('src="/console/docs.js"');
  });
});

describe("deny by default", () => {
  it("every route of the app starts with a declaration, and every data route checks its keys", () => {
    for (const [id, handlers] of groupRoutes(app.routes)) {
      const spec = routeSpecOf(handlers[0]);
      expect(spec, `${id} has no route() declaration`).toBeDefined();
      expect(["public", "read", "write", "admin"], id).toContain(spec?.scope);
      if (spec?.scope === "public") {
        expect(id, "only service routes are public").toMatch(/^GET \/(openapi\.json|docs)?$/);
        continue;
      }
      const claims = handlers.some((handler) => inputSpecOf(handler)?.claimsKeys === true);
      expect(claims || spec?.storeWide === true, `${id} finds no keys to check`).toBe(true);
    }
  });

  it("refuses to build an app with a route that declares nothing", () => {
    const undeclared = new Hono<AppEnv>().get("/v1/leak", (c) => c.json(c.var.store.backend));
    expect(() => checkDeclarations(undeclared.routes)).toThrow("route() declaration");
  });

  it("refuses a data route whose keys no validator checks", () => {
    const unchecked = new Hono<AppEnv>().get(
      "/v1/leak",
      route({ scope: "read", tag: "v1", summary: "leak", responses: {} }),
      (c) => c.json(c.var.store.backend),
    );
    expect(() => checkDeclarations(unchecked.routes)).toThrow("finds and checks its keys");
    const checked = new Hono<AppEnv>().get(
      "/v1/ok/:key{.+}",
      route({ scope: "read", tag: "v1", summary: "ok", responses: {} }),
      pathKey(),
      (c) => c.json(c.req.valid("param").key),
    );
    expect(() => checkDeclarations(checked.routes)).not.toThrow();
  });
});

describe("typed client", () => {
  const client = hc<AppType>("http://kv", {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });

  it("calls the API through hc<AppType> with typed paths, bodies, queries and headers", async () => {
    const key = uniqueKey("hc");
    const stored = await client.set.$post({ json: { key, value: { typed: true }, ttl: 60 } });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ message: `Key '${key}' stored successfully` });
    const health = await client.index.$get();
    expect(await health.json()).toMatchObject({ message: "KV Service is running" });
    const listed = await client.v1.kv.$get({ query: { prefix: key, limit: 10 } });
    expect(await listed.json()).toMatchObject({ keys: [{ key }], complete: true });
    const counted = await client.v1.kv[":key{[\\s\\S]+}"].incr.$post({ param: { key: `${key}-n` }, json: { by: 2 } });
    expect(await counted.json()).toMatchObject({ value: 2 });
    const put = await client.v1.kv[":key{[\\s\\S]+}"].$put({
      param: { key: `${key}-v` },
      json: [1, 2],
      query: { ttl: 30 },
      header: { "If-None-Match": "*" },
    });
    expect(put.status).toBe(201);
  });

  it("does not compile a wrong body, query or parameter type", () => {
    // Each call is only type-checked: `npm run typecheck` fails if any of them compiles.
    const calls = [
      // @ts-expect-error: a key must be a string
      () => client.set.$post({ json: { key: 1, value: 1 } }),
      // @ts-expect-error: /set needs a value
      () => client.set.$post({ json: { key: "k" } }),
      // @ts-expect-error: ttl is a number of seconds
      () => client.set.$post({ json: { key: "k", value: 1, ttl: "60" } }),
      // @ts-expect-error: limit is a number
      () => client.v1.kv.$get({ query: { limit: "ten" } }),
      // @ts-expect-error: by is a number
      () => client.v1.kv[":key{[\\s\\S]+}"].incr.$post({ param: { key: "n" }, json: { by: "2" } }),
      // @ts-expect-error: the key parameter is required
      () => client.v1.kv[":key{[\\s\\S]+}"].$get({ param: {} }),
    ];
    expect(calls).toHaveLength(6);
  });
});
