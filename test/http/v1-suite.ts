import { describe, expect, it } from "vitest";
import { type Fetch, jsonInit, kv, problemOf, putJson, uniqueKey } from "../support/http";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function versionOf(res: Response): Promise<number> {
  const body = (await res.json()) as { version: number };
  expect(res.headers.get("etag")).toBe(`"${body.version}"`);
  return body.version;
}

interface ListBody {
  keys: { key: string; version: number; expires_at: number | null; metadata: unknown }[];
  cursor: string | null;
  complete: boolean;
}

/**
 * The v1 API through HTTP, written once and run against every backend. Expiry
 * is real time: the tests use TTLs of a few hundred milliseconds and wait them out.
 */
export function describeV1Api(name: string, open: () => Promise<Fetch>): void {
  describe(`v1 API: ${name}`, () => {
    describe("PUT, GET, HEAD, DELETE", () => {
      it("creates with 201, replaces with 200, and reads the value itself with its headers", async () => {
        const f = await open();
        const key = uniqueKey();
        const created = await putJson(f, key, { a: 1 });
        expect(created.status).toBe(201);
        const body = (await created.clone().json()) as Record<string, unknown>;
        expect(body).toEqual({ key, version: expect.any(Number), expires_at: null });
        const v1 = await versionOf(created);
        const replaced = await putJson(f, key, [1, 2]);
        expect(replaced.status).toBe(200);
        const v2 = await versionOf(replaced);
        expect(v2).toBeGreaterThan(v1);
        const read = await f(kv(key));
        expect(read.status).toBe(200);
        expect(read.headers.get("etag")).toBe(`"${v2}"`);
        expect(read.headers.get("kv-expires-at")).toBeNull();
        expect(read.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await read.text()).toBe("[1,2]");
      });

      it.each([["null"], ["false"], ["0"], ['""'], ["12345678901234567890"], ['{"deep":{"n":1.5e300}}']])(
        "round-trips %s exactly",
        async (json) => {
          const f = await open();
          const key = uniqueKey();
          const res = await f(kv(key), { method: "PUT", headers: { "Content-Type": "application/json" }, body: json });
          expect(res.status).toBe(201);
          expect(await (await f(kv(key))).text()).toBe(json);
        },
      );

      it("answers HEAD with the headers and no body", async () => {
        const f = await open();
        const key = uniqueKey();
        const version = await versionOf(await putJson(f, key, "x", { "KV-Metadata": '{"a":1}' }, "?ttl=60"));
        const head = await f(kv(key), { method: "HEAD" });
        expect(head.status).toBe(200);
        expect(head.headers.get("etag")).toBe(`"${version}"`);
        expect(Number(head.headers.get("kv-expires-at"))).toBeGreaterThan(Date.now());
        expect(head.headers.get("kv-metadata")).toBe('{"a":1}');
        expect(await head.text()).toBe("");
        expect((await f(kv(uniqueKey()), { method: "HEAD" })).status).toBe(404);
      });

      it("answers 304 to If-None-Match with the current version", async () => {
        const f = await open();
        const key = uniqueKey();
        const version = await versionOf(await putJson(f, key, 1));
        const same = await f(kv(key), { headers: { "If-None-Match": `"${version}"` } });
        expect(same.status).toBe(304);
        expect(same.headers.get("etag")).toBe(`"${version}"`);
        const other = await f(kv(key), { headers: { "If-None-Match": `"${version + 1}"` } });
        expect(other.status).toBe(200);
      });

      it("deletes with 204, then 404", async () => {
        const f = await open();
        const key = uniqueKey();
        await putJson(f, key, 1);
        const deleted = await f(kv(key), { method: "DELETE" });
        expect(deleted.status).toBe(204);
        expect(await deleted.text()).toBe("");
        const again = await f(kv(key), { method: "DELETE" });
        expect(again.status).toBe(404);
        expect(await problemOf(again)).toMatchObject({ code: "key_not_found" });
        expect((await f(kv(key))).status).toBe(404);
      });

      it("shares keys with the compatible API", async () => {
        const f = await open();
        const key = uniqueKey("shared");
        await f("/set", jsonInit("POST", { key, value: { from: "compat" } }));
        expect(await (await f(kv(key))).json()).toEqual({ from: "compat" });
        await putJson(f, key, "from v1");
        expect(await (await f(`/get/${encodeURIComponent(key)}`)).json()).toEqual({ value: "from v1" });
      });

      it("stores metadata from KV-Metadata, and a PUT without it clears it", async () => {
        const f = await open();
        const key = uniqueKey();
        await putJson(f, key, 1, { "KV-Metadata": '{"owner":"ann","tags":["x"]}' });
        expect((await f(kv(key))).headers.get("kv-metadata")).toBe('{"owner":"ann","tags":["x"]}');
        await putJson(f, key, 2);
        expect((await f(kv(key))).headers.get("kv-metadata")).toBeNull();
      });
    });

    describe("conditional writes", () => {
      it("replaces only the version named by If-Match; 412 changes nothing", async () => {
        const f = await open();
        const key = uniqueKey();
        const v1 = await versionOf(await putJson(f, key, "one"));
        const v2 = await versionOf(await putJson(f, key, "two", { "If-Match": `"${v1}"` }));
        const stale = await putJson(f, key, "three", { "If-Match": `"${v1}"` });
        expect(stale.status).toBe(412);
        expect(await problemOf(stale)).toMatchObject({ code: "precondition_failed" });
        const read = await f(kv(key));
        expect(await read.json()).toBe("two");
        expect(read.headers.get("etag")).toBe(`"${v2}"`);
      });

      it("creates only with If-None-Match: *", async () => {
        const f = await open();
        const key = uniqueKey();
        expect((await putJson(f, key, "first", { "If-None-Match": "*" })).status).toBe(201);
        const second = await putJson(f, key, "second", { "If-None-Match": "*" });
        expect(second.status).toBe(412);
        expect(await (await f(kv(key))).json()).toBe("first");
      });

      it("answers 412 to If-Match on a missing key, for PUT, DELETE and PATCH", async () => {
        const f = await open();
        const key = uniqueKey();
        expect((await putJson(f, key, 1, { "If-Match": '"1"' })).status).toBe(412);
        expect((await f(kv(key), { method: "DELETE", headers: { "If-Match": '"1"' } })).status).toBe(412);
        const patch = await f(kv(key), {
          ...jsonInit("PATCH", { persist: true }),
          headers: { "Content-Type": "application/json", "If-Match": '"1"' },
        });
        expect(patch.status).toBe(412);
        expect((await f(kv(key))).status).toBe(404);
      });

      it("deletes only the version named by If-Match", async () => {
        const f = await open();
        const key = uniqueKey();
        const version = await versionOf(await putJson(f, key, 1));
        expect((await f(kv(key), { method: "DELETE", headers: { "If-Match": `"${version + 1}"` } })).status).toBe(412);
        expect((await f(kv(key))).status).toBe(200);
        expect((await f(kv(key), { method: "DELETE", headers: { "If-Match": `"${version}"` } })).status).toBe(204);
      });

      it("never reuses a version after delete and re-create (no A-B-A)", async () => {
        const f = await open();
        const key = uniqueKey();
        const before = await versionOf(await putJson(f, key, "same"));
        await f(kv(key), { method: "DELETE" });
        const after = await versionOf(await putJson(f, key, "same"));
        expect(after).toBeGreaterThan(before);
        expect((await putJson(f, key, "x", { "If-Match": `"${before}"` })).status).toBe(412);
      });

      it("refuses a malformed precondition with 400", async () => {
        const f = await open();
        const key = uniqueKey();
        const cases: Record<string, string>[] = [{ "If-Match": "12" }, { "If-Match": "*" }, { "If-None-Match": '"3"' }];
        for (const headers of cases) {
          const res = await putJson(f, key, 1, headers);
          expect(res.status).toBe(400);
          expect(await problemOf(res)).toMatchObject({ code: "invalid_precondition" });
        }
        expect((await f(kv(key))).status).toBe(404);
      });
    });

    describe("TTL", () => {
      it("expires after ?ttl= with millisecond precision, and reports the deadline", async () => {
        const f = await open();
        const key = uniqueKey();
        const before = Date.now();
        const res = await putJson(f, key, 1, {}, "?ttl=0.4");
        const body = (await res.json()) as { expires_at: number };
        expect(body.expires_at).toBeGreaterThanOrEqual(before + 400);
        expect(body.expires_at).toBeLessThan(before + 5_000);
        expect((await f(kv(key))).headers.get("kv-expires-at")).toBe(String(body.expires_at));
        await sleep(700);
        expect((await f(kv(key))).status).toBe(404);
      });

      it("takes ?expires_at= in unix seconds and ?keep_ttl=1", async () => {
        const f = await open();
        const key = uniqueKey();
        const at = Math.floor(Date.now() / 1000) + 3600;
        const first = (await (await putJson(f, key, 1, {}, `?expires_at=${at}`)).json()) as { expires_at: number };
        expect(first.expires_at).toBe(at * 1000);
        const kept = (await (await putJson(f, key, 2, {}, "?keep_ttl=1")).json()) as { expires_at: number };
        expect(kept.expires_at).toBe(at * 1000);
        const cleared = (await (await putJson(f, key, 3)).json()) as { expires_at: number | null };
        expect(cleared.expires_at).toBeNull();
      });

      it.each([
        ["?ttl=0", "invalid_ttl"],
        ["?ttl=-1", "invalid_ttl"],
        ["?ttl=abc", "invalid_ttl"],
        ["?ttl=0.0001", "invalid_ttl"],
        ["?ttl=999999999", "invalid_ttl"],
        ["?expires_at=1000", "invalid_expires_at"],
        ["?ttl=5&keep_ttl=1", "conflicting_expiry"],
        ["?keep_ttl=yes", "invalid_keep_ttl"],
      ])("refuses %s with 400 and stores nothing", async (query, code) => {
        const f = await open();
        const key = uniqueKey();
        const res = await putJson(f, key, 1, {}, query);
        expect(res.status).toBe(400);
        expect((await problemOf(res)).code).toBe(code);
        expect((await f(kv(key))).status).toBe(404);
      });

      it("changes the expiry with PATCH without rewriting the value", async () => {
        const f = await open();
        const key = uniqueKey();
        const v1 = await versionOf(await putJson(f, key, { keep: "me" }));
        const patched = await f(kv(key), jsonInit("PATCH", { ttl: 0.4 }));
        expect(patched.status).toBe(200);
        const body = (await patched.clone().json()) as { expires_at: number; version: number };
        expect(body.expires_at).toBeGreaterThan(Date.now() - 1000);
        const v2 = await versionOf(patched);
        expect(v2).toBeGreaterThan(v1);
        const persisted = await f(kv(key), {
          method: "PATCH",
          headers: { "Content-Type": "application/json", "If-Match": `"${v2}"` },
          body: JSON.stringify({ persist: true }),
        });
        expect(((await persisted.json()) as { expires_at: unknown }).expires_at).toBeNull();
        await sleep(700);
        const read = await f(kv(key));
        expect(await read.json()).toEqual({ keep: "me" });
        expect(read.headers.get("kv-expires-at")).toBeNull();
        const at = Math.floor(Date.now() / 1000) + 100;
        const absolute = await f(kv(key), jsonInit("PATCH", { expires_at: at }));
        expect(((await absolute.json()) as { expires_at: number }).expires_at).toBe(at * 1000);
      });

      it("refuses a PATCH without exactly one expiry choice, and one on a missing key", async () => {
        const f = await open();
        const key = uniqueKey();
        await putJson(f, key, 1);
        for (const body of [{}, { ttl: 5, persist: true }, { persist: false }, { ttl: "5" }]) {
          const res = await f(kv(key), jsonInit("PATCH", body));
          expect(res.status).toBe(400);
          await problemOf(res);
        }
        expect((await f(kv(uniqueKey()), jsonInit("PATCH", { persist: true }))).status).toBe(404);
      });
    });

    describe("metadata", () => {
      it("refuses metadata that is not a JSON object, or over 1 KiB", async () => {
        const f = await open();
        const key = uniqueKey();
        const notObject = await putJson(f, key, 1, { "KV-Metadata": "[1]" });
        expect(notObject.status).toBe(400);
        expect(await problemOf(notObject)).toMatchObject({ code: "invalid_metadata" });
        const metadata = JSON.stringify({ a: "x".repeat(1100) });
        const big = await putJson(f, key, 1, { "KV-Metadata": metadata });
        expect(big.status).toBe(413);
        expect(await problemOf(big)).toMatchObject({ code: "metadata_too_large", limit: 1024, size: metadata.length });
        expect((await f(kv(key))).status).toBe(404);
      });
    });

    describe("counters", () => {
      it("starts at zero, adds any integer, and answers value and version", async () => {
        const f = await open();
        const key = uniqueKey("counter");
        const first = await f(`${kv(key)}/incr`, { method: "POST" });
        expect(first.status).toBe(200);
        expect(await first.json()).toMatchObject({ value: 1, version: expect.any(Number) });
        const second = await f(`${kv(key)}/incr`, jsonInit("POST", { by: -11 }));
        expect(await second.json()).toMatchObject({ value: -10 });
        expect(await (await f(kv(key))).json()).toBe(-10);
      });

      it("answers 409 for a value that is not an integer and leaves it alone", async () => {
        const f = await open();
        const key = uniqueKey("counter");
        await putJson(f, key, "12");
        const res = await f(`${kv(key)}/incr`, jsonInit("POST", { by: 1 }));
        expect(res.status).toBe(409);
        expect(await problemOf(res)).toMatchObject({ code: "not_an_integer" });
        expect(await (await f(kv(key))).json()).toBe("12");
      });

      it("applies ttl only when it creates the counter", async () => {
        const f = await open();
        const key = uniqueKey("counter");
        await f(`${kv(key)}/incr`, jsonInit("POST", { by: 2, ttl: 60 }));
        expect(Number((await f(kv(key))).headers.get("kv-expires-at"))).toBeGreaterThan(Date.now());
        const kept = uniqueKey("counter");
        await putJson(f, kept, 5);
        await f(`${kv(kept)}/incr`, jsonInit("POST", { ttl: 60 }));
        expect((await f(kv(kept))).headers.get("kv-expires-at")).toBeNull();
      });

      it("refuses a step that is not a safe integer", async () => {
        const f = await open();
        const key = uniqueKey("counter");
        for (const by of [1.5, "1", 2 ** 60]) {
          const res = await f(`${kv(key)}/incr`, jsonInit("POST", { by }));
          expect(res.status).toBe(400);
          expect(await problemOf(res)).toMatchObject({ code: "invalid_by" });
        }
        expect((await f(kv(key))).status).toBe(404);
      });
    });

    describe("listing", () => {
      async function listAll(f: Fetch, prefix: string, limit: number): Promise<{ keys: string[]; pages: number }> {
        const keys: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query = new URLSearchParams({ prefix, limit: String(limit) });
          if (cursor !== null) query.set("cursor", cursor);
          const res = await f(`/v1/kv?${query}`);
          expect(res.status).toBe(200);
          const body = (await res.json()) as ListBody;
          keys.push(...body.keys.map((k) => k.key));
          expect(body.complete).toBe(body.cursor === null);
          cursor = body.cursor;
          pages++;
        } while (cursor !== null);
        return { keys, pages };
      }

      it("lists keys in byte order across pages, skipping expired keys, with no duplicates", async () => {
        const f = await open();
        const prefix = `${uniqueKey("list")}/`;
        const names = ["b", "a", "c/1", "c", "é", "\u{1F642}", "\u{FFFD}", "d", "e", "f"];
        for (const name of names) {
          const query = name === "c" || name === "e" ? "?ttl=0.3" : "";
          await putJson(f, prefix + name, name, {}, query);
        }
        await sleep(600);
        const { keys, pages } = await listAll(f, prefix, 2);
        expect(keys).toEqual(["a", "b", "c/1", "d", "f", "é", "\u{FFFD}", "\u{1F642}"].map((n) => prefix + n));
        expect(pages).toBeGreaterThanOrEqual(4);
      });

      it("reports version, expiry and metadata of each key", async () => {
        const f = await open();
        const prefix = `${uniqueKey("list")}/`;
        const version = await versionOf(await putJson(f, `${prefix}x`, 1, { "KV-Metadata": '{"m":true}' }, "?ttl=60"));
        const body = (await (await f(`/v1/kv?prefix=${encodeURIComponent(prefix)}`)).json()) as ListBody;
        expect(body.keys).toEqual([
          { key: `${prefix}x`, version, expires_at: expect.any(Number), metadata: { m: true } },
        ]);
        expect(body).toMatchObject({ cursor: null, complete: true });
      });

      it("keeps a key that exists throughout exactly once while others are written", async () => {
        const f = await open();
        const prefix = `${uniqueKey("list")}/`;
        for (const n of ["k0", "k2", "k4", "k6", "k8"]) await putJson(f, prefix + n, n);
        const seen: string[] = [];
        let cursor: string | null = null;
        let round = 0;
        do {
          const query = new URLSearchParams({ prefix, limit: "2" });
          if (cursor !== null) query.set("cursor", cursor);
          const body = (await (await f(`/v1/kv?${query}`)).json()) as ListBody;
          seen.push(...body.keys.map((k) => k.key.slice(prefix.length)));
          cursor = body.cursor;
          // Between pages: add keys before and after the cursor, delete an unseen odd one.
          await putJson(f, `${prefix}k${round * 2 + 1}`, "new");
          await putJson(f, `${prefix}a${round}`, "before");
          round++;
        } while (cursor !== null);
        for (const stable of ["k0", "k2", "k4", "k6", "k8"]) expect(seen.filter((k) => k === stable)).toHaveLength(1);
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual(seen);
      });

      it("refuses a bad limit, a foreign cursor and a malformed cursor", async () => {
        const f = await open();
        for (const query of [
          "limit=0",
          "limit=1001",
          "limit=x",
          "cursor=zzz",
          `cursor=${btoa('{"p":"other","a":"x"}')}`,
        ]) {
          const res = await f(`/v1/kv?prefix=mine&${query}`);
          expect(res.status).toBe(400);
          await problemOf(res);
        }
      });
    });

    describe("batch", () => {
      it("runs up to 100 operations with one result each, in order", async () => {
        const f = await open();
        const key = uniqueKey("batch");
        const counter = uniqueKey("batch-n");
        const ops = [
          { op: "put", key, value: { n: 0 }, metadata: { a: 1 } },
          { op: "get", key },
          { op: "incr", key: counter, by: 5 },
          { op: "incr", key },
          { op: "delete", key },
          { op: "get", key },
          { op: "delete", key },
        ];
        // The first value's number is written as text: a JS number could not hold it.
        const body = JSON.stringify({ ops }).replace('"n":0', '"n":12345678901234567890');
        const res = await f("/v1/batch", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        expect(res.status).toBe(200);
        const text = await res.text();
        const { results } = JSON.parse(text) as { results: Record<string, unknown>[] };
        expect(results.map((r) => [r.op, r.status])).toEqual([
          ["put", 201],
          ["get", 200],
          ["incr", 200],
          ["incr", 409],
          ["delete", 204],
          ["get", 404],
          ["delete", 404],
        ]);
        expect(results[1]).toMatchObject({ key, metadata: { a: 1 }, version: results[0]?.version });
        expect(text).toContain('"value":{"n":12345678901234567890}');
        expect(results[2]).toMatchObject({ value: 5 });
        expect(results[3]).toMatchObject({ code: "not_an_integer" });
      });

      it("changes the expiry with the expire op, each result as PATCH would answer it", async () => {
        const f = await open();
        const key = uniqueKey("batch");
        const missing = uniqueKey("batch-missing");
        const written = await versionOf(await putJson(f, key, "v"));
        const at = Math.floor(Date.now() / 1000) + 100;
        const res = await f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "expire", key, ttl: 60 },
              { op: "expire", key, expires_at: at },
              { op: "expire", key, persist: true },
              { op: "expire", key: missing, ttl: 60 },
            ],
          }),
        );
        expect(res.status).toBe(200);
        const { results } = (await res.json()) as { results: { version?: number; expires_at?: unknown }[] };
        expect(results).toMatchObject([
          { op: "expire", key, status: 200 },
          { op: "expire", key, status: 200, expires_at: at * 1000 },
          { op: "expire", key, status: 200, expires_at: null },
          { op: "expire", key: missing, status: 404, code: "key_not_found" },
        ]);
        expect(results[0]?.expires_at).toBeGreaterThan(Date.now() + 50_000);
        // Each change of expiry is a new version, as with PATCH.
        const [first = 0, second = 0, third = 0] = results.map((r) => r.version ?? 0);
        expect(first).toBeGreaterThan(written);
        expect(second).toBeGreaterThan(first);
        expect(third).toBeGreaterThan(second);
        const read = await f(kv(key));
        expect(await read.json()).toBe("v");
        expect(read.headers.get("kv-expires-at")).toBeNull();
        expect((await f(kv(missing))).status).toBe(404);
        const none = await f("/v1/batch", jsonInit("POST", { ops: [{ op: "expire", key }] }));
        expect(none.status).toBe(400);
        expect(await problemOf(none)).toMatchObject({ code: "missing_expiry" });
      });

      it("refuses more than 100 operations with 413, and a bad op with 400 naming it, running nothing", async () => {
        const f = await open();
        const key = uniqueKey("batch");
        const many = Array.from({ length: 101 }, () => ({ op: "put", key, value: 1 }));
        const tooMany = await f("/v1/batch", jsonInit("POST", { ops: many }));
        expect(tooMany.status).toBe(413);
        expect(await problemOf(tooMany)).toMatchObject({ code: "too_many_operations", limit: 100, size: 101 });
        const bad = await f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "put", key, value: 1 },
              { op: "put", key: "", value: 2 },
            ],
          }),
        );
        expect(bad.status).toBe(400);
        expect((await problemOf(bad)).detail).toContain("ops[1]");
        const unknown = await f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "put", key, value: 1 },
              { op: "explode", key },
            ],
          }),
        );
        expect(unknown.status).toBe(400);
        expect((await f(kv(key))).status).toBe(404);
      });
    });

    describe("reindex", () => {
      it("answers how many keys joined the listing", async () => {
        const f = await open();
        const res = await f("/v1/admin/reindex", { method: "POST" });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ indexed: expect.any(Number) });
      });
    });
  });
}
