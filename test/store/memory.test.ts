import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory";
import { singleOps } from "../support/store";
import { describeStoreContract } from "./contract";

// Time is a fake clock: `elapse` moves it; nothing waits.
describeStoreContract("memory", async (setup = {}) => {
  let now = 1_700_000_000_000;
  return {
    store: singleOps(new MemoryStore({ now: () => now, ...setup })),
    now: () => now,
    elapse: async (ms) => {
      now += ms;
    },
  };
});

describe("memory backend housekeeping", () => {
  it("frees expired entries that are never read again", async () => {
    let now = 1_000;
    const store = singleOps(new MemoryStore({ now: () => now }));
    for (let i = 0; i < 1000; i++) {
      await store.put(`gone-${i}`, {
        json: "1",
        expiry: { kind: "at", at: now + 100 + i },
        metadata: null,
        condition: { kind: "always" },
      });
    }
    await store.put("stays", { json: "1", expiry: { kind: "none" }, metadata: null, condition: { kind: "always" } });
    expect(store.size).toBe(1001);
    now += 2_000;
    await store.exists("stays");
    expect(store.size).toBe(1);
  });

  it("does not let rewrites of one key with a TTL pile up deadlines", async () => {
    let now = 1_000;
    const store = singleOps(new MemoryStore({ now: () => now }));
    for (let i = 0; i < 10_000; i++) {
      await store.put("hot", {
        json: String(i),
        expiry: { kind: "at", at: now + 3_600_000 },
        metadata: null,
        condition: { kind: "always" },
      });
      now += 1;
    }
    expect(store.size).toBe(1);
    expect(store.pendingDeadlines).toBeLessThanOrEqual(2 * store.size + 1024);
  });

  it("keeps the deadlines of keys that have one when it rebuilds its queue, and none for the others", async () => {
    let now = 1_000;
    const store = singleOps(new MemoryStore({ now: () => now }));
    await store.put("lasting", { json: "1", expiry: { kind: "none" }, metadata: null, condition: { kind: "always" } });
    await store.put("brief", {
      json: "1",
      expiry: { kind: "at", at: 5_000 },
      metadata: null,
      condition: { kind: "always" },
    });
    for (let i = 0; i < 2_000; i++) {
      await store.put("hot", {
        json: "1",
        expiry: { kind: "at", at: 1_000_000 + i },
        metadata: null,
        condition: { kind: "always" },
      });
    }
    // Rebuilt: one deadline per key that has one ("hot", "brief"), whatever was queued before.
    expect(store.pendingDeadlines).toBeLessThanOrEqual(2 * store.size + 1024);
    now = 6_000;
    expect(await store.exists("brief")).toBe(false);
    expect(await store.exists("lasting")).toBe(true);
    now = 1_002_000;
    expect(await store.exists("hot")).toBe(false);
    expect(store.size).toBe(1);
  });

  it("sweeps expired idempotency records once it holds more than 10,000", async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now });
    for (let i = 0; i < 10_000; i++) await store.hold(`caller:short-${i}`, 1);
    expect(await store.hold("caller:long", 3_600)).toBe(true);
    expect(store.heldRecords).toBe(10_001);
    now += 2_000;
    // The next look-up sweeps: the expired marks go, the live one stays (and still refuses a second hold).
    expect(await store.hold("caller:long", 3_600)).toBe(false);
    expect(store.heldRecords).toBe(1);
  });
});
