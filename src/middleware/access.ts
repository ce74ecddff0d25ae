import { createMiddleware } from "hono/factory";
import { authenticate } from "../auth/authenticate";
import type { AppEnv } from "../http/app-env";

/**
 * Authenticates the caller of a data route and puts its rights on
 * `c.var.access`, before any store is opened: a refused request (401, or 503
 * when auth is not configured) never reaches storage.
 */
export const withAccess = createMiddleware<AppEnv>(async (c, next) => {
  c.set("access", await authenticate(c.env, c.var.config, c.req.header("authorization")));
  await next();
});
