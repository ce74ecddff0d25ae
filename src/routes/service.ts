import { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import { jsonAnswer } from "../http/answers";
import { DOCS_CSP, DOCS_PAGE } from "../http/docs-page";
import { type AppEnv, route } from "../http/route";
import { HealthAnswer } from "../schemas";

/**
 * The public routes: health (which also says what keeps the data routes from
 * serving), the OpenAPI document of `routes`, and the page that renders it.
 */
export function serviceRoutes(routes: () => readonly RouterRoute[]) {
  let document: Record<string, unknown> | undefined;
  return new Hono<AppEnv>()
    .get(
      "/",
      route({
        scope: "public",
        tag: "service",
        summary: "Health: the service runs, which backend serves, and what is misconfigured",
        errors: ["method_not_allowed"],
        responses: {
          200: {
            description: "Running",
            schema: HealthAnswer,
            example: { message: "KV Service is running", backend: "upstash", status: "ok" },
          },
        },
      }),
      (c) => {
        const { config, problem } = c.get("setup");
        const base = { message: "KV Service is running", backend: config.backend };
        if (problem === null) return jsonAnswer({ ...base, status: "ok" as const });
        const { setting, settings } = problem.extras;
        return jsonAnswer({
          ...base,
          status: "misconfigured" as const,
          code: problem.code,
          error: problem.detail,
          ...(typeof setting === "string" ? { setting } : {}),
          ...(Array.isArray(settings) ? { settings } : {}),
        });
      },
    )
    .get(
      "/openapi.json",
      route({
        scope: "public",
        tag: "service",
        summary: "This OpenAPI 3.1 document",
        errors: ["method_not_allowed"],
        responses: { 200: { description: "The document" } },
      }),
      async (c) => {
        // Loaded on first use: the document's code (JSON Schema conversion) is no start-up cost.
        const { openApiDocument } = await import("../http/openapi");
        document ??= openApiDocument(routes());
        return jsonAnswer({ ...document, servers: [{ url: new URL(c.req.url).origin }] });
      },
    )
    .get(
      "/docs",
      route({
        scope: "public",
        tag: "service",
        summary: "The API reference as an HTML page",
        errors: ["method_not_allowed"],
        responses: { 200: { description: "HTML", mediaType: "text/html" } },
      }),
      (c) => c.html(DOCS_PAGE, 200, { "Content-Security-Policy": DOCS_CSP }),
    );
}
