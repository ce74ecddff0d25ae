import { Hono } from "hono";
import { frame, onError, unmatched } from "./http/frame";
import { type AppEnv, checkDeclarations } from "./http/route";
import { backupRoutes } from "./routes/backup";
import { compatRoutes } from "./routes/compat";
import { operationRoutes } from "./routes/operations";
import { serviceRoutes } from "./routes/service";
import { v1Routes } from "./routes/v1";
import { watchRoutes } from "./routes/watch";

/**
 * Builds the KV worker's Hono app: every request goes through `frame`; each
 * route declares who may call it (`route()`), validates its input and serves.
 */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(unmatched(() => app.routes));
  app.use(frame);
  const routes = app
    .route(
      "/",
      serviceRoutes(() => app.routes),
    )
    .route("/", compatRoutes)
    .route("/", v1Routes)
    .route("/", operationRoutes)
    .route("/", backupRoutes)
    .route("/", watchRoutes);
  checkDeclarations(app.routes);
  return routes;
}

/** The app's type, for `hc<AppType>` from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;
