import { ConfigError, type Config } from "../config";
import { MemoryStore } from "./memory";
import type { KvStore } from "./types";

let memoryStore: MemoryStore | undefined;

/**
 * The one place that picks the backend. The Map backend is one per isolate;
 * throws a ConfigError naming the missing setting when the chosen backend
 * cannot be opened.
 */
export function openStore(config: Config): KvStore {
  if (config.backend === "memory") {
    memoryStore ??= new MemoryStore();
    return memoryStore;
  }
  throw new ConfigError("STORAGE_BACKEND", "The upstash backend is not available in this build");
}
