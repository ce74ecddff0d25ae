import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import type { AppEnv } from "../http/app-env";

/** Response headers a cross-origin caller may read. */
export const EXPOSED_HEADERS = ["ETag", "KV-Expires-At", "KV-Metadata", "X-Request-Id", "Retry-After", "WWW-Authenticate"];

/** Request headers a cross-origin caller may send. */
export const ALLOWED_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "KV-Metadata", "X-Request-Id"];

const allowlistCors = cors({
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

/**
 * CORS from the `KV_CORS_ORIGINS` allowlist: an origin in the list (or any,
 * for `*`) is allowed; with an empty list no origin is. Preflight requests are
 * answered here, before authentication, as browsers send them without tokens.
 * No credentials mode: callers authenticate with the Authorization header.
 * With an empty list nothing is added at all: no origin could be allowed.
 */
export const corsPolicy = createMiddleware<AppEnv>(async (c, next) => {
  if (configFor(c.env).corsOrigins.length === 0) return next();
  return allowlistCors(c, next);
});
