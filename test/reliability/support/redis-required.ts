import { findRedisServer, REDIS_SERVER_INSTALL_HINT } from "../../../tools/testing/redis-server";

/**
 * Why the reliability tests cannot run here (no redis-server), or null when
 * they can. With CI=true a missing redis-server is an error, never a skip.
 */
export const redisMissing: string | null = findRedisServer() === null ? REDIS_SERVER_INSTALL_HINT : null;

if (redisMissing !== null) {
  if (process.env.CI === "true") throw new Error(`${redisMissing} (CI=true: the reliability tests may not skip)`);
  console.warn(`\n[reliability tests skipped] ${redisMissing}\n`);
}
