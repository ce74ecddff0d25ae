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
