import { describe } from "vitest";
import { openUpstashTestStore, sharedBridge, sleep, uniquePrefix, upstashContext } from "../support/upstash";
import { describeStoreContract } from "./contract";

// The storage contract against the Upstash backend, through the bridge to a
// real redis-server (test/global-setup.ts). Each test gets its own KV_PREFIX;
// time is real: Redis expires keys by its own clock, so `elapse` sleeps.
const { bridge, skipReason } = upstashContext();
if (bridge === null) console.warn(`upstash contract skipped: ${skipReason}`);

describe.skipIf(bridge === null)("upstash backend", () => {
  describeStoreContract("upstash via bridge", async (setup = {}) => ({
    store: openUpstashTestStore(
      sharedBridge(),
      uniquePrefix("contract"),
      2000,
      setup.changeLogSize === undefined ? {} : { KV_CHANGE_LOG_SIZE: String(setup.changeLogSize) },
    ),
    now: () => Date.now(),
    elapse: sleep,
  }));
});
