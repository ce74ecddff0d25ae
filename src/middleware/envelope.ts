import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import type { AppEnv } from "../http/app-env";
import { onError } from "../http/errors";
import { writeAccessLog } from "./access-log";
import { allowlistCors } from "./cors";
import { requestIdFrom } from "./request-id";
import { applySecurityHeaders } from "./security-headers";

/**
 * What every request goes through, in one middleware (each layer costs on
 * every call): the settings on `c.var.config`, CORS when an allowlist is
 * configured, then on the way out the security headers, `X-Request-Id` and
 * the one access-log line. Errors, malformed settings included, still get all three.
 */
export const envelope = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = requestIdFrom(c.req.header("x-request-id"));
  try {
    const config = configFor(c.env);
    c.set("config", config);
    if (config.corsOrigins.length === 0) await next();
    else {
      // A preflight is answered by the CORS middleware itself, with a response of its own.
      const preflight = await allowlistCors(c, next);
      if (preflight instanceof Response) c.res = preflight;
    }
  } catch (error) {
    c.res = await onError(error as Error, c);
  }
  await applySecurityHeaders(c);
  writeAccessLog(c, requestId, started);
});
