import { createMiddleware } from "hono/factory";
import { authenticate } from "../auth/authenticate";
import type { AppEnv } from "../http/app-env";
import { openStore } from "../store/select";

/**
 * For the data routes: authenticates the caller, putting its rights on
 * `c.var.access`, then opens the configured store on `c.var.store`. A refused
 * request (401, or 503 when auth is not configured) never reaches storage.
 */
export const withDataContext = createMiddleware<AppEnv>(async (c, next) => {
  c.set("access", await authenticate(c.env, c.var.config, c.req.header("authorization")));
  c.set("store", openStore(c.var.config));
  await next();
});
