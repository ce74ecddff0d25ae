import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { compatDocs } from "../openapi/docs-compat";
import { DOCS_PAGE } from "../openapi/docs-page";
import { v1Docs } from "../openapi/docs-v1";
import { openApiDocument } from "../openapi/document";
import type { RouteDoc } from "../openapi/route-doc";

/** The documentation routes' own entries. */
const serviceDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/openapi.json",
    tag: "service",
    scope: "none",
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "The document" } },
  },
  {
    method: "get",
    path: "/docs",
    tag: "service",
    scope: "none",
    summary: "The API reference as an HTML page",
    responses: { 200: { description: "HTML", mediaType: "text/html" } },
  },
];

/** Every documented route. */
export const routeDocs: RouteDoc[] = [...compatDocs, ...v1Docs, ...serviceDocs];

let documentText: string | undefined;

/** `GET /openapi.json` and `GET /docs`. */
export const openApiRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => {
    documentText ??= JSON.stringify(openApiDocument(routeDocs));
    return c.body(documentText, 200, { "Content-Type": "application/json" });
  })
  .get("/docs", (c) => c.html(DOCS_PAGE));
