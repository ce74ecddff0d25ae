import { createMiddleware } from "hono/factory";
import { configFor } from "../config";
import type { AppEnv } from "../http/app-env";
import { openStore } from "../store/select";

/** Puts the parsed configuration on `c.var.config` for every route. */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", configFor(c.env));
  await next();
});

/** Opens the configured store on `c.var.store` for the data routes (after `withAccess`). */
export const withStore = createMiddleware<AppEnv>(async (c, next) => {
  c.set("store", openStore(c.var.config));
  await next();
});
