import { cors } from "hono/cors";
import { configFor } from "../config";

/** Response headers a cross-origin caller may read. */
export const EXPOSED_HEADERS = [
  "ETag",
  "KV-Expires-At",
  "KV-Metadata",
  "X-Request-Id",
  "Retry-After",
  "WWW-Authenticate",
];

/** Request headers a cross-origin caller may send. */
export const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "KV-Metadata",
  "X-Request-Id",
];

/**
 * CORS from the `KV_CORS_ORIGINS` allowlist: an origin in the list (or any,
 * for `*`) is allowed; with an empty list no origin is. Preflight requests are
 * answered here, before authentication, as browsers send them without tokens.
 * No credentials mode: callers authenticate with the Authorization header.
 * Only worth running when the list is not empty.
 */
export const allowlistCors = cors({
  origin: (origin, c) => {
    const allowed = configFor(c.env as Env).corsOrigins;
    if (allowed.includes("*")) return "*";
    return origin !== "" && allowed.includes(origin) ? origin : null;
  },
  allowMethods: ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"],
  allowHeaders: ALLOWED_HEADERS,
  exposeHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});
