import type { FaultProxy } from "../support/fault-proxy";
import type { KvModel } from "./model";

/** What every step runs against. */
export interface RunContext {
  base: string;
  proxy: FaultProxy;
  model: KvModel;
  /** The run's key prefix: plain ASCII, ends with '/'. */
  prefix: string;
  stats: { requests: number; hostile: number; faults: number; byStatus: Map<number, number> };
}

/** Expiry the generated requests set: far enough that nothing expires during a run. */
export const FAR_TTL = 3600;
