import { Redis } from "@upstash/redis/cloudflare";
import { inject } from "vitest";
import { parseConfig, type Settings } from "../../src/settings";
import { UpstashGateway } from "../../src/store/upstash/gateway";
import { UpstashStore } from "../../src/store/upstash/store";
import { type SingleOpStore, singleOps } from "./store";
import type { BridgeEndpoint, UpstashTestContext } from "./upstash-context";

/** The bridges and helpers the global setup provided. */
export function upstashContext(): UpstashTestContext {
  return inject("upstash");
}

/** The shared bridge; only call inside tests that skip when it is missing. */
export function sharedBridge(): BridgeEndpoint {
  const bridge = upstashContext().bridge;
  if (bridge === null) throw new Error(upstashContext().skipReason);
  return bridge;
}

/** A KV_PREFIX no other test uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}:`;
}

/** Bindings that select the Upstash backend at `bridge` under `prefix`. */
export function upstashSettings(
  bridge: BridgeEndpoint,
  prefix: string,
  timeoutMs = 2000,
): Partial<Record<keyof Env, string>> {
  return {
    STORAGE_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    UPSTASH_TIMEOUT_MS: String(timeoutMs),
    KV_PREFIX: prefix,
  };
}

/** The Upstash store the app would open with these settings (as select.ts builds it). */
export function openUpstashTestStore(
  bridge: BridgeEndpoint,
  prefix: string,
  timeoutMs = 2000,
  extra: Settings = {},
): SingleOpStore {
  const settings: Settings = { ...upstashSettings(bridge, prefix, timeoutMs), ...extra };
  const config = parseConfig(settings);
  const store = new UpstashStore(new UpstashGateway(config.upstash), {
    namespace: config.namespace,
    changeLogSize: config.changeLogSize,
  });
  return singleOps(store);
}

/** A raw client on the bridge, for writing and reading Redis directly as redis-cli would. */
export function rawRedis(bridge: BridgeEndpoint): Redis {
  return new Redis({
    url: bridge.url,
    token: bridge.token,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}

/** Waits real time (the Upstash backend expires keys by Redis's clock). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
