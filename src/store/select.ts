import { ConfigError } from "../problems";
import type { Config } from "../settings";
import { MemoryStore } from "./memory";
import type { KvStore } from "./types";
import { UpstashGateway } from "./upstash/gateway";
import { UpstashStore } from "./upstash/store";

/** The isolate's one Map backend: its data lives as long as the isolate. */
let memoryStore: MemoryStore | undefined;

/**
 * The one place that picks the backend from the configuration (already
 * checked by `parseConfig`). Opening does no I/O.
 */
export function openStore(config: Config): KvStore {
  if (config.backend === "memory") {
    memoryStore ??= new MemoryStore({ changeLogSize: config.changeLogSize });
    return memoryStore;
  }
  try {
    return new UpstashStore(new UpstashGateway(config.upstash), {
      namespace: config.namespace,
      changeLogSize: config.changeLogSize,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError("UPSTASH_REDIS_REST_URL", `The Upstash client refused UPSTASH_REDIS_REST_URL: ${reason}`);
  }
}
