import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../src/index";
import app from "../../src/index";
import { routeDocs } from "../../src/routes/openapi";
import { uniqueKey, workerFetch } from "../support/http";

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
}

/** Hono's `/get/:key{...}` written as OpenAPI's `/get/{key}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{$1}");

describe("OpenAPI document", () => {
  it("describes every registered route, and nothing that is not one", async () => {
    const doc = (await (await workerFetch("/openapi.json")).json()) as OpenApi;
    expect(doc.openapi).toBe("3.1.0");
    const registered = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`);
    expect(registered.length).toBeGreaterThan(10);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    for (const route of registered) expect(documented).toContain(route);
    // HEAD is served by the GET route; every other documented operation is a route.
    for (const operation of documented.filter((o) => !o.startsWith("head "))) expect(registered).toContain(operation);
  });

  it("gives each operation responses, and bodies where the route takes one", async () => {
    const doc = (await (await workerFetch("/openapi.json")).json()) as OpenApi;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(doc.paths["/set"]?.post?.requestBody).toMatchObject({
      content: { "application/json": { schema: { required: ["key", "value"] } } },
    });
    expect(doc.paths["/v1/batch"]?.post?.responses["413"]).toBeDefined();
  });

  it("has examples that pass the very schemas that validate requests and describe answers", () => {
    for (const doc of routeDocs) {
      if (doc.body !== undefined)
        expect(v.safeParse(doc.body.schema, doc.body.example).success, `${doc.method} ${doc.path}`).toBe(true);
      for (const [status, response] of Object.entries(doc.responses)) {
        if (response.schema === undefined) continue;
        expect(v.safeParse(response.schema, response.example).success, `${doc.method} ${doc.path} ${status}`).toBe(
          true,
        );
      }
    }
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

describe("typed client", () => {
  it("calls the API through hc<AppType> with typed paths and bodies", async () => {
    const client = hc<AppType>("http://kv", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
    });
    const key = uniqueKey("hc");
    const stored = await client.set.$post({ json: { key, value: { typed: true } } });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ message: `Key '${key}' stored successfully` });
    const health = await client.index.$get();
    expect(await health.json()).toMatchObject({ message: "KV Service is running" });
    const listed = await client.v1.kv.$get({ query: { prefix: key } });
    expect(await listed.json()).toMatchObject({ keys: [{ key }], complete: true });
  });
});
