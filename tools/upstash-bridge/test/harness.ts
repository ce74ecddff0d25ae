import { Redis } from "@upstash/redis";
import { afterAll, beforeAll } from "vitest";
import {
  findRedisServer,
  REDIS_SERVER_INSTALL_HINT,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from "../../testing/redis-server";
import { type RunningBridge, startBridge } from "../server";

/** A redis-server and a bridge in front of it, for one test file. */
export interface BridgeHarness {
  readonly redis: RedisServer;
  readonly bridge: RunningBridge;
  readonly token: string;
  /** The real @upstash/redis client, set up as the KV worker sets it up (raw values, no auto-pipelining). */
  client(options?: { token?: string; base64?: boolean }): Redis;
  /** A raw POST to the bridge; returns status, headers and body text. */
  post(path: string, body: unknown, options?: { token?: string | null; base64?: boolean }): Promise<RawAnswer>;
}

/** A raw HTTP answer of the bridge. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/**
 * True when redis-server is missing outside CI: the files that need it skip
 * (with the install hint printed). With CI=true they run, and fail.
 */
export const SKIP_WITHOUT_REDIS = findRedisServer() === null && process.env.CI !== "true";
if (SKIP_WITHOUT_REDIS) console.warn(`bridge tests skipped: ${REDIS_SERVER_INSTALL_HINT}`);

/**
 * Starts redis-server (free port, temp dir) and a bridge before the file's
 * tests and stops both after them (nothing when SKIP_WITHOUT_REDIS).
 */
export function useBridge(options: RedisServerOptions = {}): BridgeHarness {
  const token = `bridge-test-${process.pid}-${Date.now()}`;
  let redis: RedisServer | undefined;
  let bridge: RunningBridge | undefined;

  beforeAll(async () => {
    if (SKIP_WITHOUT_REDIS) return;
    redis = await startRedisServer(options);
    bridge = await startBridge({ port: 0, redisUrl: redis.url, token });
  });
  afterAll(async () => {
    await bridge?.close();
    await redis?.dispose();
  });

  const harness: BridgeHarness = {
    get redis() {
      if (redis === undefined) throw new Error("redis-server not started");
      return redis;
    },
    get bridge() {
      if (bridge === undefined) throw new Error("bridge not started");
      return bridge;
    },
    token,
    client: (clientOptions = {}) =>
      new Redis({
        url: harness.bridge.url,
        token: clientOptions.token ?? token,
        automaticDeserialization: false,
        enableAutoPipelining: false,
        enableTelemetry: false,
        responseEncoding: clientOptions.base64 === false ? false : "base64",
        retry: { retries: 1, backoff: () => 20 },
      }),
    post: async (path, body, postOptions = {}) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      const bearer = postOptions.token === undefined ? token : postOptions.token;
      if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
      if (postOptions.base64 !== false) headers["Upstash-Encoding"] = "base64";
      const response = await fetch(harness.bridge.url + path, {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
  };
  return harness;
}

/** Decodes a base64 result the way a test wants to compare it. */
export function fromBase64(text: unknown): Buffer {
  if (typeof text !== "string") throw new Error(`expected a base64 string, got ${JSON.stringify(text)}`);
  return Buffer.from(text, "base64");
}
