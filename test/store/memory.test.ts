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

describe("memory backend at the expiry instant", () => {
  // Redis keeps a key through its expire time and drops it from the next millisecond; the
  // Upstash backend sets expire time = deadline - 1 (upstash-layout.test.ts). So on both
  // backends a key is live 1 ms before its deadline and gone at the deadline itself.
  const DEADLINE = 1_700_000_060_000;
  const readers = {
    get: async (store: MemoryStore) => (await store.get("k")) !== null,
    getJson: async (store: MemoryStore) => (await store.getJson("k")) !== null,
    exists: (store: MemoryStore) => store.exists("k"),
    list: async (store: MemoryStore) =>
      (await store.list({ prefix: "", after: null, limit: 10 })).entries.some((entry) => entry.key === "k"),
  };

  it.each(Object.entries(readers))("%s sees the key 1 ms before its deadline and not at it", async (_name, read) => {
    let now = DEADLINE - 60_000;
    const store = new MemoryStore({ now: () => now });
    await singleOps(store).put("k", {
      json: "1",
      expiry: { kind: "at", at: DEADLINE },
      metadata: null,
      condition: { kind: "always" },
    });
    now = DEADLINE - 1;
    expect(await read(store)).toBe(true);
    now = DEADLINE;
    expect(await read(store)).toBe(false);
  });
});
