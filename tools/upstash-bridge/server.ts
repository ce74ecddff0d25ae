import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createBridgeApp } from "./app";
import { ConnectionPool } from "./redis/pool";
import { describeEndpoint, parseRedisUrl } from "./redis/url";

/** Settings of a bridge instance. */
export interface BridgeOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** `redis://[[user]:password@]host[:port][/db]` */
  redisUrl: string;
  /** The bearer token clients must send. */
  token: string;
  /** Interface to listen on; 127.0.0.1 by default. */
  hostname?: string;
  /** Path prefix of the endpoints, e.g. "/redis"; none by default. */
  basePath?: string;
  /** Redis connections open at most at once (default 32). */
  maxConnections?: number;
  /** Bound on one HTTP request's use of Redis (default 30 s). */
  requestTimeoutMs?: number;
  /** Largest request body accepted (default 64 MiB). */
  maxBodyBytes?: number;
}

/** A running bridge. */
export interface RunningBridge {
  /** Base URL for UPSTASH_REDIS_REST_URL, e.g. `http://127.0.0.1:8079`. */
  url: string;
  port: number;
  /** Stops listening and closes every Redis connection. */
  close(): Promise<void>;
}

/**
 * Starts the Upstash-compatible REST bridge in front of a redis-server.
 * Redis need not be up yet: connections are opened per request and reopened
 * after failures, so the bridge heals by itself when Redis comes back.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  if (options.token === "") throw new Error("The bridge needs a non-empty token");
  const endpoint = parseRedisUrl(options.redisUrl);
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  if (basePath !== "" && !basePath.startsWith("/")) throw new Error(`basePath must start with '/', got '${basePath}'`);
  const pool = new ConnectionPool(endpoint, {
    maxConnections: options.maxConnections ?? 32,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const app = createBridgeApp({
    pool,
    token: options.token,
    basePath,
    redisLabel: describeEndpoint(endpoint),
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
  });
  const hostname = options.hostname ?? "127.0.0.1";
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port, hostname }, (address) =>
        resolve({ server, address }),
      );
      server.once("error", reject);
    },
  );
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${address.port}${basePath}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        pool.close();
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
