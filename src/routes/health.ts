import { Hono } from "hono";
import { ConfigError } from "../config";
import type { AppEnv } from "../http/app-env";
import { openStore } from "../store/select";

/** `GET /`: the older services' liveness answer, plus which backend serves. */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) => {
  const config = c.var.config;
  try {
    openStore(config);
    return c.json({ message: "KV Service is running", backend: config.backend, status: "ok" as const });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return c.json({
      message: "KV Service is running",
      backend: config.backend,
      status: "misconfigured" as const,
      error: error.message,
      setting: error.setting,
    });
  }
});
