import { describe, expect, it } from "vitest";
import type { KvStore, PutInput, StoreOp } from "../../src/store/types";
import { type SingleOpStore, singleOps } from "../support/store";

/** A store under test, with control over the time it sees. */
export interface StoreHarness {
  store: KvStore;
  /** The current time as the store sees it, unix ms. */
  now(): number;
  /** Lets `ms` milliseconds pass: a fake clock moves, a real backend is waited for. */
  elapse(ms: number): Promise<void>;
}

const always = { kind: "always" } as const;
const never = { kind: "none" } as const;

function plain(json: string): PutInput {
  return { json, expiry: { kind: "none" }, metadata: null, condition: always };
}

/**
 * The storage contract, written once and run against every backend. `open`
 * gives each test a fresh, empty store (its own namespace on shared storage).
 */
/** How a test wants its store set up. */
export interface StoreSetup {
  /** Changes the change log keeps (default: the configured default). */
  changeLogSize?: number;
}

export function describeStoreContract(name: string, openStore: (setup?: StoreSetup) => Promise<StoreHarness>): void {
  const open = async (setup?: StoreSetup): Promise<StoreHarness & { store: SingleOpStore }> => {
    const harness = await openStore(setup);
    return { ...harness, store: singleOps(harness.store) };
  };
  describe(`store contract: ${name}`, () => {
    describe("values", () => {
      it("reads a missing key as absent", async () => {
        const { store } = await open();
        expect(await store.get("missing")).toBeNull();
        expect(await store.getJson("missing")).toBeNull();
        expect(await store.exists("missing")).toBe(false);
      });

      it.each([
        ["null", "null"],
        ["false", "false"],
        ["zero", "0"],
        ["empty string", '""'],
        ["empty array", "[]"],
        ["nested object", '{"a":[1,{"b":null}],"c":"é"}'],
        ["big integer", "12345678901234567890"],
        ["unicode string", '"日本語 🙂"'],
      ])("round-trips %s exactly", async (_label, json) => {
        const { store } = await open();
        await store.put("k", plain(json));
        expect(await store.getJson("k")).toBe(json);
        expect((await store.get("k"))?.json).toBe(json);
        expect(await store.exists("k")).toBe(true);
      });

      it("reports created, then replaced, with growing versions", async () => {
        const { store } = await open();
        const first = await store.put("k", plain("1"));
        const second = await store.put("k", plain("2"));
        expect(first.status).toBe("created");
        expect(second.status).toBe("replaced");
        if (first.status === "conflict" || second.status === "conflict") throw new Error("unexpected conflict");
        expect(second.version).toBeGreaterThan(first.version);
        expect(await store.get("k")).toEqual({ json: "2", version: second.version, expiresAt: null, metadata: null });
      });

      it("keeps keys apart, including Unicode and slash-bearing ones", async () => {
        const { store } = await open();
        const keys = ["a", "a/b", "a/b?c#d", "ключ", "🙂", " spaced key ", "%2F"];
        for (const [i, key] of keys.entries()) await store.put(key, plain(String(i)));
        for (const [i, key] of keys.entries()) expect(await store.getJson(key)).toBe(String(i));
      });

      it("hands out copies: changing a returned entry changes nothing stored", async () => {
        const { store } = await open();
        await store.put("k", plain('{"a":1}'));
        const entry = await store.get("k");
        if (entry === null) throw new Error("missing");
        entry.json = "2";
        entry.version = -1;
        expect(await store.get("k")).toMatchObject({ json: '{"a":1}' });
      });

      it("stores metadata with the value and clears it on a write without it", async () => {
        const { store } = await open();
        await store.put("k", { ...plain("1"), metadata: '{"owner":"ann"}' });
        expect((await store.get("k"))?.metadata).toBe('{"owner":"ann"}');
        await store.put("k", plain("2"));
        expect((await store.get("k"))?.metadata).toBeNull();
      });
    });

    describe("versions", () => {
      it("never reuses a version after delete and re-create", async () => {
        const { store } = await open();
        const first = await store.put("k", plain("1"));
        const deleted = await store.delete("k", always);
        expect(deleted).toEqual({ status: "deleted", version: expect.any(Number) });
        const again = await store.put("k", plain("1"));
        if (first.status === "conflict" || again.status === "conflict") throw new Error("unexpected conflict");
        expect(again.status).toBe("created");
        if (deleted.status !== "deleted") throw new Error("not deleted");
        // A delete is a write: it takes the next revision, and the re-creation the one after.
        expect(deleted.version).toBe(first.version + 1);
        expect(again.version).toBe(deleted.version + 1);
      });

      it("shares one counter across keys", async () => {
        const { store } = await open();
        const a = await store.put("a", plain("1"));
        const b = await store.put("b", plain("1"));
        if (a.status === "conflict" || b.status === "conflict") throw new Error("unexpected conflict");
        expect(b.version).toBeGreaterThan(a.version);
      });
    });

    describe("conditional writes", () => {
      it("creates only when absent", async () => {
        const { store } = await open();
        const created = await store.put("k", { ...plain("1"), condition: { kind: "absent" } });
        expect(created.status).toBe("created");
        const refused = await store.put("k", { ...plain("2"), condition: { kind: "absent" } });
        expect(refused).toEqual({ status: "conflict" });
        expect(await store.getJson("k")).toBe("1");
      });

      it("replaces only the named version, and a conflict changes nothing", async () => {
        const { store } = await open();
        const first = await store.put("k", plain("1"));
        if (first.status === "conflict") throw new Error("unexpected conflict");
        const second = await store.put("k", { ...plain("2"), condition: { kind: "version", version: first.version } });
        expect(second.status).toBe("replaced");
        const stale = await store.put("k", { ...plain("3"), condition: { kind: "version", version: first.version } });
        expect(stale).toEqual({ status: "conflict" });
        const entry = await store.get("k");
        expect(entry?.json).toBe("2");
        if (second.status === "conflict") throw new Error("unexpected conflict");
        expect(entry?.version).toBe(second.version);
      });

      it("treats a version condition on a missing key as a conflict", async () => {
        const { store } = await open();
        const put = await store.put("k", { ...plain("1"), condition: { kind: "version", version: 1 } });
        expect(put).toEqual({ status: "conflict" });
        expect(await store.exists("k")).toBe(false);
        expect(await store.delete("k", { kind: "version", version: 1 })).toEqual({ status: "conflict" });
      });

      it("deletes only the named version", async () => {
        const { store } = await open();
        const put = await store.put("k", plain("1"));
        if (put.status === "conflict") throw new Error("unexpected conflict");
        expect(await store.delete("k", { kind: "version", version: put.version + 1000 })).toEqual({
          status: "conflict",
        });
        expect(await store.getJson("k")).toBe("1");
        expect(await store.delete("k", { kind: "version", version: put.version })).toEqual({
          status: "deleted",
          version: put.version + 1,
        });
        expect(await store.delete("k", always)).toEqual({ status: "missing" });
      });
    });

    describe("expiry", () => {
      it("hides and removes a key once its deadline passes", async () => {
        const h = await open();
        await h.store.put("k", { ...plain("1"), expiry: { kind: "at", at: h.now() + 300 } });
        const entry = await h.store.get("k");
        expect(entry?.expiresAt).toBeGreaterThan(h.now());
        await h.elapse(600);
        expect(await h.store.get("k")).toBeNull();
        expect(await h.store.getJson("k")).toBeNull();
        expect(await h.store.exists("k")).toBe(false);
        expect(await h.store.delete("k", always)).toEqual({ status: "missing" });
      });

      it("clears an earlier expiry on a write without one, and keeps it on request", async () => {
        const h = await open();
        const at = h.now() + 300;
        await h.store.put("keep", { ...plain("1"), expiry: { kind: "at", at } });
        await h.store.put("keep", { ...plain("2"), expiry: { kind: "keep" } });
        await h.store.put("clear", { ...plain("1"), expiry: { kind: "at", at } });
        await h.store.put("clear", plain("2"));
        expect((await h.store.get("clear"))?.expiresAt).toBeNull();
        await h.elapse(600);
        expect(await h.store.getJson("keep")).toBeNull();
        expect(await h.store.getJson("clear")).toBe("2");
      });

      it("changes the expiry without rewriting the value, taking a new version", async () => {
        const h = await open();
        const put = await h.store.put("k", plain('"v"'));
        if (put.status === "conflict") throw new Error("unexpected conflict");
        const at = h.now() + 300;
        const changed = await h.store.expire("k", { kind: "at", at }, always);
        expect(changed).toMatchObject({ status: "updated", expiresAt: at });
        if (changed.status !== "updated") throw new Error("not updated");
        expect(changed.version).toBeGreaterThan(put.version);
        expect(await h.store.get("k")).toMatchObject({ json: '"v"', version: changed.version, expiresAt: at });
        const persisted = await h.store.expire("k", { kind: "none" }, { kind: "version", version: changed.version });
        expect(persisted).toMatchObject({ status: "updated", expiresAt: null });
        await h.elapse(600);
        expect(await h.store.getJson("k")).toBe('"v"');
      });

      it("refuses to change the expiry of a missing key or another version", async () => {
        const h = await open();
        expect(await h.store.expire("nope", { kind: "none" }, always)).toEqual({ status: "missing" });
        await h.store.put("k", plain("1"));
        expect(await h.store.expire("k", { kind: "none" }, { kind: "version", version: 0 })).toEqual({
          status: "conflict",
        });
      });
    });

    describe("counters", () => {
      it("starts a missing key at zero and adds, negative steps included", async () => {
        const { store } = await open();
        expect(await store.incr("n", { by: 5, expiryOnCreate: { kind: "none" } })).toMatchObject({
          status: "ok",
          value: "5",
        });
        expect(await store.incr("n", { by: -7, expiryOnCreate: { kind: "none" } })).toMatchObject({
          status: "ok",
          value: "-2",
        });
        expect(await store.getJson("n")).toBe("-2");
      });

      it("refuses a value that is not an integer and leaves it alone", async () => {
        const { store } = await open();
        for (const json of ['"5"', "1.5", "{}", "null"]) {
          await store.put("n", plain(json));
          expect(await store.incr("n", { by: 1, expiryOnCreate: { kind: "none" } })).toEqual({ status: "not_integer" });
          expect(await store.getJson("n")).toBe(json);
        }
      });

      it("refuses to overflow 64 bits", async () => {
        const { store } = await open();
        await store.put("n", plain("9223372036854775807"));
        expect(await store.incr("n", { by: 1, expiryOnCreate: { kind: "none" } })).toEqual({ status: "not_integer" });
        expect(await store.getJson("n")).toBe("9223372036854775807");
      });

      it("applies the expiry only when the increment creates the key", async () => {
        const h = await open();
        await h.store.incr("n", { by: 1, expiryOnCreate: { kind: "at", at: h.now() + 300 } });
        await h.store.put("kept", plain("1"));
        await h.store.incr("kept", { by: 1, expiryOnCreate: { kind: "at", at: h.now() + 300 } });
        await h.elapse(600);
        expect(await h.store.exists("n")).toBe(false);
        expect(await h.store.getJson("kept")).toBe("2");
      });
    });

    describe("ordered listing", () => {
      it("lists in byte order of UTF-8 keys, with prefix and pagination", async () => {
        const { store } = await open();
        const keys = ["b", "a", "ab", "a\u{FFFD}", "a\u{1F642}", "aa", "c"];
        for (const key of keys) await store.put(key, plain("1"));
        const page1 = await store.list({ prefix: "a", after: null, limit: 2 });
        expect(page1.entries.map((e) => e.key)).toEqual(["a", "aa"]);
        expect(page1.complete).toBe(false);
        const page2 = await store.list({ prefix: "a", after: "aa", limit: 10 });
        expect(page2.entries.map((e) => e.key)).toEqual(["ab", "a\u{FFFD}", "a\u{1F642}"]);
        expect(page2.complete).toBe(true);
        const all = await store.list({ prefix: "", after: null, limit: 100 });
        expect(all.entries.map((e) => e.key)).toEqual(["a", "aa", "ab", "a\u{FFFD}", "a\u{1F642}", "b", "c"]);
      });

      it("reports versions, expiry and metadata, and says when a page ends exactly at the last key", async () => {
        const h = await open();
        const at = h.now() + 60_000;
        const put = await h.store.put("x", {
          json: "1",
          expiry: { kind: "at", at },
          metadata: '{"m":1}',
          condition: always,
        });
        if (put.status === "conflict") throw new Error("unexpected conflict");
        const page = await h.store.list({ prefix: "x", after: null, limit: 1 });
        expect(page.entries).toEqual([{ key: "x", version: put.version, expiresAt: at, metadata: '{"m":1}' }]);
        expect(page.complete).toBe(true);
      });

      it("never lists an expired or deleted key", async () => {
        const h = await open();
        for (const key of ["k1", "k2", "k3", "k4", "k5"]) {
          const expiry =
            key === "k2" || key === "k4" ? { kind: "at" as const, at: h.now() + 300 } : { kind: "none" as const };
          await h.store.put(key, { ...plain("1"), expiry });
        }
        await h.store.delete("k3", always);
        await h.elapse(600);
        const first = await h.store.list({ prefix: "k", after: null, limit: 1 });
        expect(first.entries.map((e) => e.key)).toEqual(["k1"]);
        const rest = await h.store.list({ prefix: "k", after: "k1", limit: 1 });
        expect(rest.entries.map((e) => e.key)).toEqual(["k5"]);
        expect(rest.complete).toBe(true);
      });
    });

    describe("batch", () => {
      it("runs operations in order with one result each", async () => {
        const { store } = await open();
        const results = await store.batch([
          { op: "put", key: "a", input: plain('"x"') },
          { op: "get", key: "a" },
          { op: "incr", key: "n", input: { by: 2, expiryOnCreate: { kind: "none" } } },
          { op: "delete", key: "a", condition: { kind: "always" } },
          { op: "get", key: "a" },
          { op: "delete", key: "a", condition: { kind: "always" } },
        ]);
        expect(results.map((r) => r.op)).toEqual(["put", "get", "incr", "delete", "get", "delete"]);
        expect(results[0]).toMatchObject({ result: { status: "created" } });
        expect(results[1]).toMatchObject({ entry: { json: '"x"' } });
        expect(results[2]).toMatchObject({ result: { status: "ok", value: "2" } });
        expect(results[3]).toEqual({
          op: "delete",
          key: "a",
          result: { status: "deleted", version: expect.any(Number) },
        });
        expect(results[4]).toEqual({ op: "get", key: "a", entry: null });
        expect(results[5]).toEqual({ op: "delete", key: "a", result: { status: "missing" } });
      });
    });

    describe("transactions", () => {
      const incr = (key: string, by: number): StoreOp => ({ op: "incr", key, input: { by, expiryOnCreate: never } });

      it("applies every op at one new revision when the checks hold", async () => {
        const { store } = await open();
        const a = await store.put("a", plain("10"));
        const before = await store.revision();
        if (a.status === "conflict") throw new Error("conflict");
        const outcome = await store.run(
          [incr("a", -3), { op: "put", key: "b", input: plain('"x"') }, { op: "delete", key: "a2", condition: always }],
          {
            transaction: {
              checks: [
                { key: "a", kind: "version", version: a.version },
                { key: "b", kind: "absent" },
              ],
            },
          },
        );
        // delete of a missing key cannot apply: nothing changes
        expect(outcome).toMatchObject({
          kind: "op_failed",
          index: 2,
          result: { op: "delete", result: { status: "missing" } },
        });
        expect(await store.revision()).toBe(before);
        expect(await store.getJson("a")).toBe("10");
        expect(await store.exists("b")).toBe(false);
        const done = await store.run([incr("a", -3), { op: "put", key: "b", input: plain('"x"') }], {
          transaction: {
            checks: [
              { key: "a", kind: "version", version: a.version },
              { key: "b", kind: "absent" },
            ],
          },
        });
        if (done.kind !== "done") throw new Error(done.kind);
        expect(done.revision).toBe(before + 1);
        expect(done.results).toMatchObject([
          { op: "incr", key: "a", result: { status: "ok", value: "7", version: before + 1 } },
          { op: "put", key: "b", result: { status: "created", version: before + 1 } },
        ]);
        expect((await store.get("a"))?.version).toBe(before + 1);
        expect((await store.get("b"))?.version).toBe(before + 1);
      });

      it("reports every failed check with the key's current version, and changes nothing", async () => {
        const { store } = await open();
        const a = await store.put("a", plain("1"));
        if (a.status === "conflict") throw new Error("conflict");
        const before = await store.revision();
        const outcome = await store.run([{ op: "put", key: "c", input: plain("3") }], {
          transaction: {
            checks: [
              { key: "a", kind: "version", version: a.version + 99 },
              { key: "a", kind: "present" },
              { key: "a", kind: "absent" },
              { key: "missing", kind: "present" },
            ],
          },
        });
        expect(outcome).toEqual({
          kind: "check_failed",
          failed: [
            { index: 0, version: a.version },
            { index: 2, version: a.version },
            { index: 3, version: null },
          ],
          replayed: false,
        });
        expect(await store.exists("c")).toBe(false);
        expect(await store.revision()).toBe(before);
      });

      it("leaves no trace of its first ops when a later one cannot apply: value, version, TTL, metadata, listing", async () => {
        const h = await open();
        const { store } = h;
        await store.put("text", plain('"not a number"'));
        await store.put("kept", { ...plain("1"), metadata: '{"m":1}' });
        const kept = await store.get("kept");
        const before = await store.revision();
        const outcome = await store.run(
          [
            {
              op: "put",
              key: "kept",
              input: { json: "2", expiry: { kind: "at", at: h.now() + 60_000 }, metadata: null, condition: always },
            },
            { op: "put", key: "fresh", input: plain("3") },
            incr("text", 1),
          ],
          { transaction: { checks: [] } },
        );
        expect(outcome).toMatchObject({ kind: "op_failed", index: 2, result: { result: { status: "not_integer" } } });
        expect(await store.get("kept")).toEqual(kept);
        expect(await store.exists("fresh")).toBe(false);
        expect(await store.getJson("text")).toBe('"not a number"');
        expect((await store.list({ prefix: "", after: null, limit: 10 })).entries.map((e) => e.key)).toEqual([
          "kept",
          "text",
        ]);
        expect(await store.revision()).toBe(before);
        expect((await store.changes(before, 10)).changes).toEqual([]);
      });
    });

    describe("idempotency records", () => {
      const claim = (id: string, fingerprint: string) => ({ id, fingerprint, ttlSeconds: 60 });

      it("replays the first outcome for the same request and changes nothing", async () => {
        const { store } = await open();
        const op: StoreOp = { op: "incr", key: "n", input: { by: 1, expiryOnCreate: never } };
        const first = await store.run([op], { idempotency: claim("caller:k1", "f1") });
        const again = await store.run([op], { idempotency: claim("caller:k1", "f1") });
        expect(first).toMatchObject({ kind: "done", replayed: false, results: [{ result: { value: "1" } }] });
        expect(again).toEqual({ ...first, replayed: true });
        expect(await store.getJson("n")).toBe("1");
        expect(await store.run([op], { idempotency: claim("caller:k1", "other") })).toEqual({
          kind: "idempotency_reused",
        });
        expect(await store.run([op], { idempotency: claim("other-caller:k1", "f1") })).toMatchObject({
          replayed: false,
        });
        expect(await store.getJson("n")).toBe("2");
      });

      it("replays a failed transaction as it failed", async () => {
        const { store } = await open();
        const run = () =>
          store.run([{ op: "put", key: "x", input: plain("1") }], {
            transaction: { checks: [{ key: "x", kind: "present" }] },
            idempotency: claim("c:t", "f"),
          });
        const first = await run();
        expect(first).toMatchObject({ kind: "check_failed", replayed: false });
        await store.put("x", plain("0"));
        expect(await run()).toEqual({ ...first, replayed: true });
      });

      it("holds a mark for a request made of several steps until it is released or expires", async () => {
        const h = await open();
        expect(await h.store.hold("c:imp#running", 1)).toBe(true);
        expect(await h.store.hold("c:imp#running", 1)).toBe(false);
        await h.store.release("c:imp#running");
        expect(await h.store.hold("c:imp#running", 1)).toBe(true);
        await h.elapse(1100);
        expect(await h.store.hold("c:imp#running", 1)).toBe(true);
      });

      it("forgets a record after its TTL", async () => {
        const h = await open();
        const op: StoreOp = { op: "incr", key: "t", input: { by: 1, expiryOnCreate: never } };
        await h.store.run([op], { idempotency: { id: "c:ttl", fingerprint: "f", ttlSeconds: 1 } });
        await h.elapse(1100);
        const again = await h.store.run([op], { idempotency: { id: "c:ttl", fingerprint: "f", ttlSeconds: 1 } });
        expect(again).toMatchObject({ kind: "done", replayed: false, results: [{ result: { value: "2" } }] });
      });
    });

    describe("change log", () => {
      it("holds every change after a revision, in order; a transaction's changes share its revision", async () => {
        const { store } = await open();
        const start = await store.revision();
        await store.put("a", { ...plain("1"), metadata: '{"m":1}' });
        await store.run(
          [
            { op: "put", key: "b", input: plain('"x"') },
            { op: "delete", key: "a", condition: always },
          ],
          {
            transaction: { checks: [] },
          },
        );
        await store.incr("n", { by: 5, expiryOnCreate: never });
        const page = await store.changes(start, 100);
        expect(page.trimmedBefore).toBeNull();
        expect(page.revision).toBe(start + 3);
        expect(page.changes).toEqual([
          {
            revision: start + 1,
            seq: 0,
            type: "put",
            key: "a",
            version: start + 1,
            expiresAt: null,
            metadata: '{"m":1}',
            json: "1",
          },
          {
            revision: start + 2,
            seq: 0,
            type: "put",
            key: "b",
            version: start + 2,
            expiresAt: null,
            metadata: null,
            json: '"x"',
          },
          {
            revision: start + 2,
            seq: 1,
            type: "delete",
            key: "a",
            version: start + 2,
            expiresAt: null,
            metadata: null,
            json: null,
          },
          {
            revision: start + 3,
            seq: 0,
            type: "put",
            key: "n",
            version: start + 3,
            expiresAt: null,
            metadata: null,
            json: "5",
          },
        ]);
        expect((await store.changes(start + 2, 100)).changes.map((c) => c.key)).toEqual(["n"]);
        expect((await store.changes(start + 3, 100)).changes).toEqual([]);
      });

      it("never splits a transaction across pages: a full page ends with the whole of its last revision", async () => {
        const { store } = await open();
        const start = await store.revision();
        await store.put("a", plain("1"));
        await store.run(
          ["b", "c", "d"].map((key) => ({ op: "put", key, input: plain("1") }) as StoreOp),
          { transaction: { checks: [] } },
        );
        await store.put("e", plain("1"));
        const page = await store.changes(start, 2);
        expect(page.changes.map((c) => c.key)).toEqual(["a", "b", "c", "d"]);
        const next = await store.changes(start + 1, 2);
        expect(next.changes.map((c) => c.key)).toEqual(["b", "c", "d"]);
        expect((await store.changes(start + 2, 1)).changes.map((c) => c.key)).toEqual(["e"]);
      });

      it("says which revision it still holds completely once it was trimmed", async () => {
        const { store } = await open({ changeLogSize: 3 });
        const start = await store.revision();
        for (const key of ["a", "b", "c", "d", "e"]) await store.put(key, plain("1"));
        const page = await store.changes(start, 100);
        expect(page.trimmedBefore).toBe(start + 3);
        expect(page.changes.map((c) => c.key)).toEqual(["c", "d", "e"]);
        expect((await store.changes(start + 2, 100)).trimmedBefore).toBeNull();
      });

      it("writes nothing when a key expires", async () => {
        const h = await open();
        const start = await h.store.revision();
        await h.store.put("brief", { ...plain("1"), expiry: { kind: "at", at: h.now() + 200 } });
        await h.elapse(400);
        expect(await h.store.exists("brief")).toBe(false);
        const page = await h.store.changes(start, 100);
        expect(page.changes.map((c) => [c.type, c.key])).toEqual([["put", "brief"]]);
        expect(page.revision).toBe(start + 1);
      });
    });

    describe("listing with values", () => {
      it("returns each value's JSON text when asked", async () => {
        const { store } = await open();
        await store.put("v1", plain('{"a":1.50}'));
        await store.put("v2", plain("12345678901234567890"));
        const page = await store.list({ prefix: "v", after: null, limit: 10, values: true });
        expect(page.entries.map((e) => [e.key, e.json])).toEqual([
          ["v1", '{"a":1.50}'],
          ["v2", "12345678901234567890"],
        ]);
        expect((await store.list({ prefix: "v", after: null, limit: 10 })).entries[0]).not.toHaveProperty("json");
      });
    });
  });
}
