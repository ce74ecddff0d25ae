import { type RedisServer, type RedisServerOptions, startRedisServer } from "../../../tools/testing/redis-server";
import { type RunningBridge, startBridge } from "../../../tools/upstash-bridge/server";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { type RunningWorker, startKvWorker } from "./worker";

/** The write token every reliability test sends (write scope, whole store). */
export const WRITE_TOKEN = "reliability-write-token-0123456789";

/** What the worker needs to reach storage, and its token. */
export function upstashBindings(
  url: string,
  bridgeToken: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    STORAGE_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: bridgeToken,
    KV_WRITE_TOKENS: WRITE_TOKEN,
    ...extra,
  };
}

/** redis-server, the Upstash bridge in front of it, optionally a fault proxy, and the KV worker. */
export interface Stack {
  readonly redis: RedisServer;
  readonly bridge: RunningBridge;
  readonly proxy: FaultProxy | null;
  readonly worker: RunningWorker;
  /** Stops the worker and starts a fresh one (an empty isolate) with the same settings. */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Options of a test stack. */
export interface StackOptions {
  redis?: RedisServerOptions;
  /** Puts a fault-injecting proxy between the worker and the bridge. */
  faults?: boolean;
  /** Extra worker bindings (limits, timeouts). */
  bindings?: Record<string, string>;
}

/** Starts a full stack on free ports; `close` stops it all. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const bridgeToken = `bridge-${process.pid}-${Date.now()}`;
  const redis = await startRedisServer(options.redis ?? {});
  const bridge = await startBridge({ port: 0, redisUrl: redis.url, token: bridgeToken, requestTimeoutMs: 5_000 });
  const proxy = options.faults ? await startFaultProxy(bridge.url) : null;
  const bindings = upstashBindings(proxy?.url ?? bridge.url, bridgeToken, options.bindings);
  let worker = await startKvWorker(bindings);
  return {
    redis,
    bridge,
    proxy,
    get worker() {
      return worker;
    },
    async restartWorker() {
      await worker.dispose();
      worker = await startKvWorker(bindings);
    },
    async close() {
      await worker.dispose();
      await proxy?.close();
      await bridge.close();
      await redis.dispose();
    },
  };
}
