import type { Config } from "../config";
import { MemoryStore } from "./memory";
import type { KvStore } from "./types";
import { openUpstashStore } from "./upstash/open";

let memoryStore: MemoryStore | undefined;

/** Upstash stores of this isolate, by connection settings and namespace. */
const upstashStores = new Map<string, KvStore>();
const MAX_CACHED_UPSTASH_STORES = 16;
/** The same, by parsed configuration: the per-request lookup, without building a cache key. */
const storesByConfig = new WeakMap<Config, KvStore>();

function cachedUpstashStore(config: Config): KvStore {
  const { url, token, timeoutMs } = config.upstash;
  const cacheKey = JSON.stringify([url, token, timeoutMs, config.prefix]);
  let store = upstashStores.get(cacheKey);
  if (store === undefined) {
    store = openUpstashStore(config);
    if (upstashStores.size >= MAX_CACHED_UPSTASH_STORES) upstashStores.clear();
    upstashStores.set(cacheKey, store);
  }
  return store;
}

/**
 * The one place that picks the backend. Each store is opened once per
 * isolate; throws a ConfigError naming the missing setting when the chosen
 * backend cannot be opened.
 */
export function openStore(config: Config): KvStore {
  if (config.backend === "memory") {
    memoryStore ??= new MemoryStore();
    return memoryStore;
  }
  let store = storesByConfig.get(config);
  if (store === undefined) {
    store = cachedUpstashStore(config);
    storesByConfig.set(config, store);
  }
  return store;
}
