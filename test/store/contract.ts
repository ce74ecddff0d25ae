import { describe, expect, it } from "vitest";
import type { KvStore, PutInput } from "../../src/store/types";

/** A store under test, with control over the time it sees. */
export interface StoreHarness {
  store: KvStore;
  /** The current time as the store sees it, unix ms. */
  now(): number;
  /** Lets `ms` milliseconds pass: a fake clock moves, a real backend is waited for. */
  elapse(ms: number): Promise<void>;
}

const always = { kind: "always" } as const;

function plain(json: string): PutInput {
  return { json, expiry: { kind: "none" }, metadata: null, condition: always };
}

/**
 * The storage contract, written once and run against every backend. `open`
 * gives each test a fresh, empty store (its own namespace on shared storage).
 */
export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
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
        expect(await store.delete("k", always)).toEqual({ status: "deleted" });
        const again = await store.put("k", plain("1"));
        if (first.status === "conflict" || again.status === "conflict") throw new Error("unexpected conflict");
        expect(again.status).toBe("created");
        expect(again.version).toBeGreaterThan(first.version);
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
        expect(await store.delete("k", { kind: "version", version: put.version })).toEqual({ status: "deleted" });
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
        expect(results[3]).toEqual({ op: "delete", key: "a", result: { status: "deleted" } });
        expect(results[4]).toEqual({ op: "get", key: "a", entry: null });
        expect(results[5]).toEqual({ op: "delete", key: "a", result: { status: "missing" } });
      });
    });
  });
}
