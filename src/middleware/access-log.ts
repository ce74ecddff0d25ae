import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { configFor } from "../config";
import type { AppEnv } from "../http/app-env";
import { requestIdFrom } from "./request-id";

/** The one log line written per request. Holds no key, value, header or token. */
export interface AccessLogLine {
  msg: "request";
  level: "info" | "warn" | "error";
  requestId: string;
  method: string;
  /** The route pattern (e.g. `/get/:key{[\\s\\S]+}`), never the path with its key; null when no route matched. */
  route: string | null;
  status: number;
  durationMs: number;
  backend: string | null;
}

function routePattern(c: Context<AppEnv>): string | null {
  const handlers = matchedRoutes(c).filter((route) => route.method !== "ALL");
  return handlers.at(-1)?.path ?? null;
}

function backendOf(c: Context<AppEnv>): string | null {
  try {
    return configFor(c.env).backend;
  } catch {
    return null;
  }
}

/**
 * Gives every response an `X-Request-Id` (the caller's when well-formed, else
 * a fresh UUID) and writes one structured JSON line per request to the log.
 */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const requestId = requestIdFrom(c.req.header("x-request-id"));
  await next();
  c.res.headers.set("X-Request-Id", requestId);
  const status = c.res.status;
  const line: AccessLogLine = {
    msg: "request",
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    requestId,
    method: c.req.method,
    route: routePattern(c),
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    backend: backendOf(c),
  };
  console.log(JSON.stringify(line));
});
