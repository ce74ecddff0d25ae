import type { Access } from "../auth/access";
import type { Config } from "../config";
import type { KvStore } from "../store/types";

/** Hono's type parameters for the KV worker: bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    store: KvStore;
    access: Access;
  };
}
