import { Hono } from "hono";
import type { AppEnv } from "./http/app-env";
import { onError } from "./http/errors";
import { unmatchedHandler } from "./http/unmatched";
import { withConfig, withStore } from "./middleware/context";
import { compatRoutes } from "./routes/compat";
import { healthRoutes } from "./routes/health";

const DATA_PATHS = ["/set", "/get/*", "/delete/*", "/exists/*"] as const;

/** Builds the KV worker's Hono app. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use(withConfig);
  for (const path of DATA_PATHS) app.use(path, withStore);
  const routes = app.route("/", healthRoutes).route("/", compatRoutes);
  app.notFound(unmatchedHandler(() => app.routes));
  return routes;
}

/** The app's type, for `hc<AppType>` from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;
