import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { ApiError, toApiError } from "../problems";
import { setupOf } from "../setup";
import { problemResponse, SECURITY_HEADERS } from "./answers";
import type { AppEnv } from "./route";

/** Response headers a cross-origin caller may read. */
export const EXPOSED_HEADERS = [
  "ETag",
  "KV-Expires-At",
  "KV-Metadata",
  "X-Request-Id",
  "Retry-After",
  "WWW-Authenticate",
  "Idempotent-Replayed",
];

/** Request headers a cross-origin caller may send. */
export const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "KV-Metadata",
  "X-Request-Id",
  "Idempotency-Key",
  "Last-Event-ID",
];

/**
 * CORS from the `KV_CORS_ORIGINS` allowlist: an origin in the list (or any,
 * for `*`) is allowed; with an empty or malformed list no origin is. Preflight
 * requests are answered here, before any route, as browsers send them without
 * tokens. No credentials mode: callers authenticate with the Authorization header.
 */
const allowlistCors = cors({
  origin: (origin, c: Context<AppEnv>) => {
    const allowed = c.get("setup").config.corsOrigins;
    if (allowed.includes("*")) return "*";
    return origin !== "" && allowed.includes(origin) ? origin : null;
  },
  allowMethods: ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"],
  allowHeaders: ALLOWED_HEADERS,
  exposeHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The request's id: the caller's `X-Request-Id` when well-formed, else a fresh UUID. */
function requestIdOf(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/**
 * The worker's own log line: written for what Workers Logs cannot tell from the
 * invocation (the cause of a 5xx, a refused scope, a refused size), or for every
 * request with KV_LOG_REQUESTS=all. It holds no key, value, header or token.
 */
export interface RequestLogLine {
  msg: "request";
  level: "info" | "warn" | "error";
  requestId: string;
  method: string;
  /** The route pattern (e.g. `/get/:key{[\\s\\S]+}`), never the path with its key; null when no route matched. */
  route: string | null;
  status: number;
  durationMs: number;
  backend: string;
  /** The problem code of an error answer. */
  code?: string;
  /** The scope a 403 lacked. */
  scope?: string;
  /** What failed, for a 5xx: the error's name and message. */
  cause?: string;
}

/** Statuses whose requests are logged even without KV_LOG_REQUESTS=all. */
function isNotable(status: number): boolean {
  return status >= 500 || status === 401 || status === 403 || status === 413 || status === 429;
}

function describeCause(error: unknown): string {
  const cause = error instanceof ApiError && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

function writeLogLine(c: Context<AppEnv>, requestId: string, started: number): void {
  const status = c.res.status;
  if (c.get("setup").config.logRequests !== "all" && !isNotable(status)) return;
  const line: RequestLogLine = {
    msg: "request",
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    requestId,
    method: c.req.method,
    route: matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path ?? null,
    status,
    durationMs: Date.now() - started,
    backend: c.get("setup").config.backend,
  };
  if (c.error !== undefined) {
    const problem = toApiError(c.error);
    line.code = problem.code;
    if (typeof problem.extras.scope === "string") line.scope = problem.extras.scope;
    if (status >= 500) line.cause = describeCause(c.error);
  }
  console.log(JSON.stringify(line));
}

/**
 * What every request goes through, in one middleware (each layer costs on
 * every call): its setup on `c.get("setup")`, CORS (preflights answered here),
 * then on the way out the security headers, `X-Request-Id` and the log line.
 */
export const frame = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = requestIdOf(c.req.header("x-request-id"));
  const setup = setupOf(c.env);
  c.set("setup", setup);
  if (setup.config.corsOrigins.length === 0 && c.req.method !== "OPTIONS") await next();
  else {
    const preflight = await allowlistCors(c, next);
    if (preflight instanceof Response) c.res = preflight;
  }
  const headers = c.res.headers;
  // Answers built by jsonAnswer, jsonText and problemResponse carry the security headers already.
  if (!headers.has("X-Content-Type-Options")) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!headers.has(name)) headers.set(name, value);
    }
  }
  headers.set("X-Request-Id", requestId);
  if (c.get("replayed") === true) headers.set("Idempotent-Replayed", "true");
  writeLogLine(c, requestId, started);
});

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Answers requests no route took: 405 with `Allow` when the path exists under
 * other methods, else 404. Both as problem bodies.
 */
export function unmatched(routes: () => readonly RouterRoute[]): NotFoundHandler<AppEnv> {
  let router: TrieRouter<string> | undefined;
  return (c) => {
    if (router === undefined) {
      router = new TrieRouter<string>();
      for (const route of routes()) {
        if (route.method !== "ALL") router.add(route.method, route.path, route.method);
      }
    }
    const known = router;
    const path = c.req.path;
    const allowed: string[] = METHODS.filter((method) => known.match(method, path)[0].length > 0);
    if (allowed.includes("GET") && !allowed.includes("HEAD")) allowed.push("HEAD");
    const error =
      allowed.length > 0
        ? new ApiError("method_not_allowed", {
            detail: `${c.req.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`,
            extras: { allowed },
            headers: { Allow: allowed.join(", ") },
          })
        : new ApiError("route_not_found", { detail: `No route for ${c.req.method} ${path}` });
    c.error = error;
    return problemResponse(error);
  };
}

/**
 * The app's single error handler: every failure becomes a problem body. (Hono
 * keeps the error on `c.error`, where the log line reads the cause of a 5xx.)
 */
export const onError: ErrorHandler = (error) => problemResponse(toApiError(error));
