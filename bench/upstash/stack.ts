import { randomBytes } from "node:crypto";
import { startRedisServer } from "../../tools/testing/redis-server";
import { startBridgeProcess } from "./bridge-process";
import { type CommandCounts, readCommandStats } from "./command-stats";
import { type CountingProxy, startCountingProxy } from "./counting-proxy";

/** A local stand-in for Upstash: redis-server, the bridge in front of it, and a counting proxy. */
export interface UpstashStack {
  token: string;
  /** The bridge's base URL (what the benchmarked worker and the direct client use). */
  bridgeUrl: string;
  /** Counts what a worker sends when it uses `proxy.url` instead. */
  proxy: CountingProxy;
  commandStats(): Promise<CommandCounts>;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway redis-server (tools/testing), the Upstash bridge
 * (tools/upstash-bridge) in its own process, and a counting proxy in front of
 * the bridge, all on 127.0.0.1 with free ports and a random token.
 */
export async function startUpstashStack(): Promise<UpstashStack> {
  const token = randomBytes(16).toString("hex");
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const redis = await startRedisServer();
    stops.push(() => redis.dispose());
    const bridge = await startBridgeProcess(redis.url, token);
    stops.push(() => bridge.stop());
    const proxy = await startCountingProxy(bridge.url);
    stops.push(() => proxy.close());
    return { token, bridgeUrl: bridge.url, proxy, commandStats: () => readCommandStats(bridge.url, token), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
