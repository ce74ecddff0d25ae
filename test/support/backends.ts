import { appFetch, type Fetch } from "./http";
import { rawRedis, sharedBridge, uniquePrefix, upstashContext, upstashSettings } from "./upstash";

/** The storage backends a test runs against. */
export type BackendName = "memory" | "upstash";

/** Both backends, for `describe.each`. */
export const BACKENDS: readonly BackendName[] = ["memory", "upstash"];

/** Why a backend's tests skip here (the Upstash ones without redis-server outside CI), or null. */
export function skipReasonOf(backend: BackendName): string | null {
  const { bridge, skipReason } = upstashContext();
  return backend === "upstash" && bridge === null ? skipReason : null;
}

/** The app on one backend, with a store of its own. */
export interface BackendApp {
  fetch: Fetch;
  /**
   * The text Redis holds for a key's value, read with a raw client as
   * `redis-cli GET` would (null when absent); undefined on the memory backend.
   */
  storedText(key: string): Promise<string | null | undefined>;
}

/**
 * The app on `backend` with `overrides`: the Map backend in a store of its own,
 * or the Upstash backend through the shared bridge in a KV_PREFIX of its own
 * (anonymous access allowed unless `overrides` configures tokens). Call inside
 * a test or hook, where a missing bridge has already been skipped.
 */
export function openBackend(
  backend: BackendName,
  label: string,
  overrides: Partial<Record<keyof Env, string>> = {},
): BackendApp {
  if (backend === "memory") {
    return { fetch: appFetch({ STORAGE_BACKEND: "memory", ...overrides }), storedText: async () => undefined };
  }
  const bridge = sharedBridge();
  const prefix = uniquePrefix(label);
  const redis = rawRedis(bridge);
  return {
    fetch: appFetch({ ...upstashSettings(bridge, prefix), KV_ALLOW_ANONYMOUS: "true", ...overrides }),
    storedText: (key) => redis.get<string>(prefix + key),
  };
}
