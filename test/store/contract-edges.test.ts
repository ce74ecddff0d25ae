import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory";
import type { KvStore, PutInput, StoreOp } from "../../src/store/types";
import { KeyLayout } from "../../src/store/upstash/layout";
import { type SingleOpStore, singleOps } from "../support/store";
import { openUpstashTestStore, rawRedis, sharedBridge, uniquePrefix, upstashContext } from "../support/upstash";

// Edges of the storage contract (test/store/contract.ts holds the main part), on both
// backends: what a transaction does with reads and conditioned writes, expiry kept on a
// key without one, and a change log that lost the start of a transaction or all of itself.
const { bridge, skipReason } = upstashContext();
if (bridge === null) console.warn(`upstash contract edges skipped: ${skipReason}`);

const always = { kind: "always" } as const;

function plain(json: string): PutInput {
  return { json, expiry: { kind: "none" }, metadata: null, condition: always };
}

interface Opened {
  store: SingleOpStore;
  /** The Upstash namespace, or null on the Map backend. */
  prefix: string | null;
}

const backends: [string, boolean, (changeLogSize?: number) => Opened][] = [
  [
    "memory",
    false,
    (changeLogSize) => ({
      store: singleOps(new MemoryStore(changeLogSize === undefined ? {} : { changeLogSize })),
      prefix: null,
    }),
  ],
  [
    "upstash via bridge",
    bridge === null,
    (changeLogSize) => {
      const prefix = uniquePrefix("edges");
      const extra = changeLogSize === undefined ? {} : { KV_CHANGE_LOG_SIZE: String(changeLogSize) };
      return { store: openUpstashTestStore(sharedBridge(), prefix, 2000, extra), prefix };
    },
  ],
];

async function versionOf(store: KvStore, key: string): Promise<number> {
  const entry = await store.get(key);
  if (entry === null) throw new Error(`${key} is missing`);
  return entry.version;
}

for (const [name, skip, open] of backends) {
  describe.skipIf(skip)(`store contract edges: ${name}`, () => {
    it("reads keys inside a transaction, present or missing, at the state before its writes", async () => {
      const { store } = open();
      await store.put("a", { ...plain('{"n":1}'), metadata: '{"m":1}' });
      const version = await versionOf(store, "a");
      const outcome = await store.run(
        [
          { op: "get", key: "a" },
          { op: "get", key: "missing" },
          { op: "put", key: "b", input: plain("2") },
        ],
        { transaction: { checks: [] } },
      );
      if (outcome.kind !== "done") throw new Error(outcome.kind);
      expect(outcome.results).toEqual([
        { op: "get", key: "a", entry: { json: '{"n":1}', version, expiresAt: null, metadata: '{"m":1}' } },
        { op: "get", key: "missing", entry: null },
        { op: "put", key: "b", result: { status: "created", version: outcome.revision, expiresAt: null } },
      ]);
    });

    it.each<[string, (version: number) => StoreOp]>([
      [
        "put",
        (version) => ({ op: "put", key: "a", input: { ...plain("9"), condition: { kind: "version", version } } }),
      ],
      ["delete", (version) => ({ op: "delete", key: "a", condition: { kind: "version", version } })],
      [
        "expire",
        (version) => ({ op: "expire", key: "a", expiry: { kind: "none" }, condition: { kind: "version", version } }),
      ],
    ])("fails a transaction whose conditioned %s does not hold, changing nothing", async (op, conditioned) => {
      const { store } = open();
      await store.put("a", plain("1"));
      const version = await versionOf(store, "a");
      const before = await store.revision();
      const outcome = await store.run([{ op: "put", key: "b", input: plain("2") }, conditioned(version + 1)], {
        transaction: { checks: [] },
      });
      expect(outcome).toEqual({
        kind: "op_failed",
        index: 1,
        result: { op, key: "a", result: { status: "conflict" } },
        replayed: false,
      });
      expect(await store.revision()).toBe(before);
      expect(await store.exists("b")).toBe(false);
      expect(await store.getJson("a")).toBe("1");
    });

    it("applies conditioned writes in a transaction when their versions hold", async () => {
      const { store } = open();
      await store.put("a", plain("1"));
      await store.put("e", { ...plain("1"), expiry: { kind: "at", at: Date.now() + 600_000 } });
      const [va, ve] = [await versionOf(store, "a"), await versionOf(store, "e")];
      const outcome = await store.run(
        [
          { op: "put", key: "a", input: { ...plain("2"), condition: { kind: "version", version: va } } },
          { op: "expire", key: "e", expiry: { kind: "none" }, condition: { kind: "version", version: ve } },
        ],
        { transaction: { checks: [] } },
      );
      if (outcome.kind !== "done" || outcome.revision === null) throw new Error(outcome.kind);
      const revision = outcome.revision;
      expect(outcome.results).toEqual([
        { op: "put", key: "a", result: { status: "replaced", version: revision, expiresAt: null } },
        { op: "expire", key: "e", result: { status: "updated", version: revision, expiresAt: null } },
      ]);
      expect(await store.get("e")).toMatchObject({ version: revision, expiresAt: null });
    });

    it("creates a missing key at its step when a transaction increments it", async () => {
      const { store } = open();
      const outcome = await store.run([{ op: "incr", key: "n", input: { by: -4, expiryOnCreate: { kind: "none" } } }], {
        transaction: { checks: [{ key: "n", kind: "absent" }] },
      });
      if (outcome.kind !== "done") throw new Error(outcome.kind);
      expect(outcome.results).toEqual([
        { op: "incr", key: "n", result: { status: "ok", value: "-4", version: outcome.revision } },
      ]);
      expect(await store.getJson("n")).toBe("-4");
    });

    it("keeps no expiry when asked to keep one on a key without one, or on a new key", async () => {
      const { store } = open();
      await store.put("plain", plain("1"));
      const keep = { ...plain("2"), expiry: { kind: "keep" } } as const;
      expect(await store.put("plain", keep)).toMatchObject({ status: "replaced", expiresAt: null });
      expect(await store.put("new", keep)).toMatchObject({ status: "created", expiresAt: null });
      expect((await store.get("plain"))?.expiresAt).toBeNull();
      expect((await store.get("new"))?.expiresAt).toBeNull();
    });

    it("reads an empty change log at revision 0 on a fresh store", async () => {
      const { store } = open();
      expect(await store.changes(0, 10)).toEqual({ changes: [], trimmedBefore: null, revision: 0 });
    });

    it("says a transaction whose first changes were dropped is no longer held", async () => {
      const { store } = open(3);
      const start = await store.revision();
      const outcome = await store.run(
        ["a", "b", "c", "d"].map((key): StoreOp => ({ op: "put", key, input: plain("1") })),
        { transaction: { checks: [] } },
      );
      expect(outcome).toMatchObject({ kind: "done", revision: start + 1 });
      // The log holds changes 1..3 of the four: the transaction is not whole, so it is not served.
      expect(await store.changes(start, 100)).toEqual({ changes: [], trimmedBefore: start + 2, revision: start + 1 });
      await store.put("e", plain("2"));
      const page = await store.changes(start, 100);
      expect(page.trimmedBefore).toBe(start + 2);
      expect(page.changes.map((c) => [c.revision, c.key])).toEqual([[start + 2, "e"]]);
    });

    it("keeps serving the last changes after many times the log's size of writes", async () => {
      const { store } = open(3);
      const start = await store.revision();
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      for (const key of keys) await store.put(key, plain("1"));
      const page = await store.changes(start, 100);
      expect(page.trimmedBefore).toBe(start + 8);
      expect(page.changes.map((c) => c.key)).toEqual(["k7", "k8", "k9"]);
      expect(await store.changes(start + 8, 100)).toMatchObject({ trimmedBefore: null, revision: start + 10 });
      expect((await store.changes(start + 8, 100)).changes.map((c) => c.key)).toEqual(["k8", "k9"]);
    });
  });
}

describe.skipIf(bridge === null)("upstash change log lost from Redis", () => {
  it("reads as trimmed past the current revision, so a watcher resets instead of waiting for lost changes", async () => {
    const prefix = uniquePrefix("lost-log");
    const store = openUpstashTestStore(sharedBridge(), prefix);
    await store.put("a", plain("1"));
    await store.put("b", plain("2"));
    await rawRedis(sharedBridge()).del(new KeyLayout(prefix).changes);
    expect(await store.changes(0, 100)).toEqual({ changes: [], trimmedBefore: 3, revision: 2 });
    expect(await store.changes(2, 100)).toEqual({ changes: [], trimmedBefore: null, revision: 2 });
  });
});

describe("memory change wait", () => {
  it("returns at once when the store has moved past the revision waited from", async () => {
    const store = singleOps(new MemoryStore());
    await store.put("a", plain("1"));
    const started = Date.now();
    await store.waitForChange(0, 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
