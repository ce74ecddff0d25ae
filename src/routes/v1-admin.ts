import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";

/** Store-wide operations, for admin tokens. */
export const v1AdminRoutes = new Hono<AppEnv>().post("/v1/admin/reindex", async (c) => {
  c.var.access.requireStoreWide("admin");
  return c.json({ indexed: await c.var.store.reindex() });
});
