import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { Config } from "../config";
import type { AppEnv } from "../http/app-env";

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
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== "ALL") return route.path;
  }
  return null;
}

/** The backend, from the settings the envelope parsed; null when they were malformed. */
function backendOf(c: Context<AppEnv>): string | null {
  return (c.get("config") as Config | undefined)?.backend ?? null;
}

/**
 * Gives the response its `X-Request-Id` and writes the request's one
 * structured JSON log line. `started` is `Date.now()` at the start: inside
 * workerd the clock moves only across I/O, so this is time spent waiting.
 */
export function writeAccessLog(c: Context<AppEnv>, requestId: string, started: number): void {
  c.res.headers.set("X-Request-Id", requestId);
  const status = c.res.status;
  const line: AccessLogLine = {
    msg: "request",
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    requestId,
    method: c.req.method,
    route: routePattern(c),
    status,
    durationMs: Date.now() - started,
    backend: backendOf(c),
  };
  console.log(JSON.stringify(line));
}
