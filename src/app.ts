import { Hono } from "hono";
import type { AppEnv } from "./http/app-env";
import { onError } from "./http/errors";
import { unmatchedHandler } from "./http/unmatched";
import { withDataContext } from "./middleware/data-context";
import { envelope } from "./middleware/envelope";
import { compatRoutes } from "./routes/compat";
import { healthRoutes } from "./routes/health";
import { openApiRoutes } from "./routes/openapi";
import { v1AdminRoutes } from "./routes/v1-admin";
import { v1BatchRoutes } from "./routes/v1-batch";
import { v1KeyRoutes } from "./routes/v1-kv";
import { v1ListRoutes } from "./routes/v1-list";

const DATA_PATHS = ["/set", "/get/*", "/delete/*", "/exists/*", "/v1/*"] as const;

/** Builds the KV worker's Hono app. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use(envelope);
  for (const path of DATA_PATHS) app.use(path, withDataContext);
  const routes = app
    .route("/", healthRoutes)
    .route("/", openApiRoutes)
    .route("/", compatRoutes)
    .route("/", v1ListRoutes)
    .route("/", v1BatchRoutes)
    .route("/", v1AdminRoutes)
    .route("/", v1KeyRoutes);
  app.notFound(unmatchedHandler(() => app.routes));
  return routes;
}

/** The app's type, for `hc<AppType>` from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;
