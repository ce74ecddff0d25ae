import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { ApiError } from "../http/problem";
import { parseWith } from "../http/validate";
import { ListQuery } from "../schemas/v1";

const DEFAULT_LIMIT = 100;

/** `GET /v1/kv`: keys in byte-wise lexicographic order, a page at a time. */
export const v1ListRoutes = new Hono<AppEnv>().get("/v1/kv", async (c) => {
  const { limits } = c.var.config;
  const query = parseWith(ListQuery, c.req.query(), "invalid_query");
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (limit > limits.maxListLimit) {
    throw new ApiError(400, "invalid_limit", `'limit' is ${limit}; the most is ${limits.maxListLimit}`, {
      field: "limit",
      limit: limits.maxListLimit,
      size: limit,
    });
  }
  const prefix = query.prefix ?? "";
  c.var.access.requirePrefix("read", prefix);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, prefix);
  const page = await c.var.store.list({ prefix, after, limit });
  const last = page.entries.at(-1);
  return c.json({
    keys: page.entries.map((entry) => ({
      key: entry.key,
      version: entry.version,
      expires_at: entry.expiresAt,
      metadata: entry.metadata === null ? null : (JSON.parse(entry.metadata) as Record<string, unknown>),
    })),
    cursor: page.complete || last === undefined ? null : encodeCursor(prefix, last.key),
    complete: page.complete,
  });
});
