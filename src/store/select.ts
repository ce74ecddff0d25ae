import { ConfigError } from "../problems";
import type { Config } from "../settings";
import { MemoryStore } from "./memory";
import type { KvStore } from "./types";

/** The isolate's one Map backend: its data lives as long as the isolate. */
let memoryStore: MemoryStore | undefined;

/**
 * The one place that picks the backend from the configuration (already
 * checked by `parseConfig`). Opening does no I/O; the Upstash client's code is
 * loaded on first use, so a worker that serves the Map backend never evaluates it.
 */
export async function openStore(config: Config): Promise<KvStore> {
  if (config.backend === "memory") {
    memoryStore ??= new MemoryStore({ changeLogSize: config.changeLogSize });
    return memoryStore;
  }
  const [{ UpstashGateway }, { UpstashStore }] = await Promise.all([
    import("./upstash/gateway"),
    import("./upstash/store"),
  ]);
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
