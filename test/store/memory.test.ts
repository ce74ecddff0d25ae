import { MemoryStore } from "../../src/store/memory";
import { describeStoreContract } from "./contract";

// Time is a fake clock: `elapse` moves it; nothing waits.
describeStoreContract("memory", async () => {
  let now = 1_700_000_000_000;
  return {
    store: new MemoryStore(() => now),
    now: () => now,
    elapse: async (ms) => {
      now += ms;
    },
  };
});
