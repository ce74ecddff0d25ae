import { describe, expect, it } from "vitest";
import {
  type Fetch,
  jsonInit,
  kv,
  ndjsonLines,
  ndjsonText,
  problemOf,
  putJson,
  storeRevision,
  uniqueKey,
} from "../support/http";
import { readSse, type SseEvent } from "../support/sse";

/** Settings for tests that load the store: a storage time bound no queueing reaches. */
const PATIENT = { UPSTASH_TIMEOUT_MS: "20000" };

/** Opens the app on the backend under test, with extra settings (a namespace of its own on Upstash). */
export type OpenApp = (settings?: Record<string, string>) => Promise<Fetch>;

/** A request's body is JSON: fetch would label a string body text/plain (refused with 415). */
const JSON_TYPE = { "Content-Type": "application/json" };

async function versionOf(f: Fetch, key: string): Promise<number> {
  const res = await f(kv(key), { method: "HEAD" });
  if (res.status !== 200) throw new Error(`HEAD ${key}: ${res.status} ${res.headers.get("x-request-id")}`);
  return Number(res.headers.get("etag")?.replaceAll('"', ""));
}

const txn = (f: Fetch, body: unknown, headers: Record<string, string> = {}) =>
  f("/v1/txn", { ...jsonInit("POST", body), headers: { "Content-Type": "application/json", ...headers } });

function ndjson(lines: unknown[]): string {
  return `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
}

async function exported(f: Fetch, prefix: string): Promise<Record<string, unknown>[]> {
  const res = await f(`/v1/export?prefix=${encodeURIComponent(prefix)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  return ndjsonLines(res);
}

/**
 * Transactions, Idempotency-Key, export/import and the change feed through
 * HTTP, written once and run against every backend.
 */
export function describeFeatures(name: string, open: OpenApp): void {
  describe(`transactions: ${name}`, { timeout: 30_000 }, () => {
    it("transfers between two counters at one revision when their versions hold", async () => {
      const f = await open();
      const [a, b] = [uniqueKey("acct"), uniqueKey("acct")];
      await putJson(f, a, 50);
      await putJson(f, b, 50);
      const [va, vb] = [await versionOf(f, a), await versionOf(f, b)];
      const res = await txn(f, {
        checks: [
          { key: a, version: va },
          { key: b, version: vb },
        ],
        ops: [
          { op: "incr", key: a, by: -20 },
          { op: "incr", key: b, by: 20 },
        ],
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        revision: number;
        results: { status: number; version: number; value: number }[];
      };
      expect(body.results).toMatchObject([
        { op: "incr", key: a, status: 200, value: 30 },
        { op: "incr", key: b, status: 200, value: 70 },
      ]);
      expect(body.results.map((r) => r.version)).toEqual([body.revision, body.revision]);
      expect(await versionOf(f, a)).toBe(body.revision);
      expect(await versionOf(f, b)).toBe(body.revision);
    });

    it("answers 412 txn_check_failed listing every failed check with the current version, and changes nothing", async () => {
      const f = await open();
      const [a, b, fresh] = [uniqueKey("chk"), uniqueKey("chk"), uniqueKey("chk")];
      await putJson(f, a, 1);
      const va = await versionOf(f, a);
      const res = await txn(f, {
        checks: [
          { key: a, version: va + 1000 },
          { key: b, present: true },
          { key: a, present: true },
        ],
        ops: [{ op: "put", key: fresh, value: "x" }],
      });
      expect(res.status).toBe(412);
      expect(await problemOf(res)).toMatchObject({
        code: "txn_check_failed",
        failed: [
          { index: 0, key: a, version: va },
          { index: 1, key: b, version: null },
        ],
      });
      expect((await f(kv(fresh))).status).toBe(404);
    });

    it("answers 409 txn_op_failed naming the op that cannot apply, and leaves no trace of the others", async () => {
      const f = await open();
      const [prefix, text] = [uniqueKey("opf"), uniqueKey("opf-text")];
      await putJson(f, text, "not a number");
      await putJson(f, `${prefix}/kept`, 1, { "KV-Metadata": '{"m":1}' });
      const keptBefore = await f(kv(`${prefix}/kept`));
      const res = await f(
        `/v1/txn`,
        jsonInit("POST", {
          ops: [
            { op: "put", key: `${prefix}/kept`, value: 2, ttl: 60 },
            { op: "put", key: `${prefix}/new`, value: 3, metadata: { n: 1 } },
            { op: "incr", key: text, by: 1 },
          ],
        }),
      );
      expect(res.status).toBe(409);
      expect(await problemOf(res)).toMatchObject({
        code: "txn_op_failed",
        index: 2,
        op: "incr",
        key: text,
        status: 409,
      });
      const keptAfter = await f(kv(`${prefix}/kept`));
      expect(await keptAfter.text()).toBe(await keptBefore.text());
      expect(keptAfter.headers.get("etag")).toBe(keptBefore.headers.get("etag"));
      expect(keptAfter.headers.get("kv-expires-at")).toBeNull();
      expect(keptAfter.headers.get("kv-metadata")).toBe('{"m":1}');
      expect((await f(kv(`${prefix}/new`))).status).toBe(404);
      const listed = (await (await f(`/v1/kv?prefix=${encodeURIComponent(prefix)}`)).json()) as {
        keys: { key: string }[];
      };
      expect(listed.keys.map((k) => k.key)).toEqual([`${prefix}/kept`]);
    });

    it("answers a delete of a missing key in a txn with a 409 problem whose status member is 409", async () => {
      const f = await open();
      const missing = uniqueKey("opf-missing");
      const res = await txn(f, { ops: [{ op: "delete", key: missing }] });
      expect(res.status).toBe(409);
      // RFC 9457: the status member is the answer's status; the op's own 404 is op_status.
      expect(await problemOf(res)).toMatchObject({
        status: 409,
        code: "txn_op_failed",
        index: 0,
        op: "delete",
        key: missing,
        op_status: 404,
        cause: "key_not_found",
      });
    });

    it("claims a unique name, renames a key, and refuses a key written twice or too many operations", async () => {
      const f = await open();
      const [name, owner, from, to] = [uniqueKey("name"), uniqueKey("owner"), uniqueKey("from"), uniqueKey("to")];
      const claim = { checks: [{ key: name, absent: true }], ops: [{ op: "put", key: name, value: owner }] };
      expect((await txn(f, claim)).status).toBe(200);
      expect((await txn(f, claim)).status).toBe(412);
      await putJson(f, from, { v: 1 });
      const vf = await versionOf(f, from);
      const renamed = await txn(f, {
        checks: [
          { key: from, version: vf },
          { key: to, absent: true },
        ],
        ops: [
          { op: "put", key: to, value: { v: 1 } },
          { op: "delete", key: from },
        ],
      });
      expect(renamed.status).toBe(200);
      expect(await (await f(kv(to))).json()).toEqual({ v: 1 });
      expect((await f(kv(from))).status).toBe(404);
      const twice = await txn(f, {
        ops: [
          { op: "put", key: to, value: 1 },
          { op: "delete", key: to },
        ],
      });
      expect(await problemOf(twice)).toMatchObject({ status: 400, code: "duplicate_key", index: 1 });
      const many = await txn(f, {
        checks: Array.from({ length: 60 }, () => ({ key: to, present: true })),
        ops: Array.from({ length: 41 }, (_, i) => ({ op: "delete", key: `${to}-${i}` })),
      });
      expect(await problemOf(many)).toMatchObject({ status: 413, code: "too_many_operations", limit: 100, size: 101 });
      const badCheck = await txn(f, {
        checks: [{ key: to, version: 1, absent: true }],
        ops: [{ op: "delete", key: to }],
      });
      expect(await problemOf(badCheck)).toMatchObject({ status: 400, code: "invalid_checks" });
    });

    it("keeps the total of 200 concurrent transfers between 10 counters exact", async () => {
      // About atomicity: a generous storage bound keeps a busy machine's queueing from becoming 503s.
      const f = await open(PATIENT);
      const keys = Array.from({ length: 10 }, () => uniqueKey("bank"));
      for (const key of keys) await putJson(f, key, 1000);
      let conflicts = 0;
      const transfer = async (n: number) => {
        const from = keys[n % 10] ?? "";
        const to = keys[(n * 7 + 3) % 10] ?? "";
        if (from === to) return;
        for (;;) {
          const [vf, vt] = [await versionOf(f, from), await versionOf(f, to)];
          const res = await txn(f, {
            checks: [
              { key: from, version: vf },
              { key: to, version: vt },
            ],
            ops: [
              { op: "incr", key: from, by: -1 },
              { op: "incr", key: to, by: 1 },
            ],
          });
          if (res.status === 200) return;
          expect(res.status, await res.text()).toBe(412);
          conflicts++;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        }
      };
      await Promise.all(Array.from({ length: 200 }, (_, n) => transfer(n)));
      let total = 0;
      for (const key of keys) total += Number(await (await f(kv(key))).text());
      expect(total).toBe(10_000);
      expect(conflicts).toBeGreaterThanOrEqual(0);
    }, 60_000);
  });

  describe(`Idempotency-Key: ${name}`, { timeout: 30_000 }, () => {
    it("replays the first answer of an incr with Idempotent-Replayed: true, and counts once", async () => {
      const f = await open();
      const key = uniqueKey("idem");
      const send = () =>
        f(`${kv(key)}/incr`, {
          ...jsonInit("POST", { by: 5 }),
          headers: { "Idempotency-Key": `k-${key}`, "Content-Type": "application/json" },
        });
      const first = await send();
      const again = await send();
      expect(first.status).toBe(200);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.text()).toBe(await first.text());
      expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(await (await f(kv(key))).text()).toBe("5");
    });

    it("answers 422 for the same key with another request, and 400 for a malformed key", async () => {
      const f = await open();
      const key = uniqueKey("idem");
      const headers = { "Idempotency-Key": `reuse-${key}`, "Content-Type": "application/json" };
      expect((await f(`${kv(key)}/incr`, { method: "POST", headers, body: '{"by":1}' })).status).toBe(200);
      const other = await f(`${kv(key)}/incr`, { method: "POST", headers, body: '{"by":2}' });
      expect(await problemOf(other)).toMatchObject({ status: 422, code: "idempotency_key_reused" });
      const elsewhere = await f(`${kv(`${key}-2`)}/incr`, { method: "POST", headers, body: '{"by":1}' });
      expect(elsewhere.status).toBe(422);
      expect(await (await f(kv(key))).text()).toBe("1");
      for (const bad of ["", "x".repeat(256), "é"]) {
        const res = await f(`${kv(key)}/incr`, { method: "POST", headers: { "Idempotency-Key": bad } });
        expect(await problemOf(res), JSON.stringify(bad)).toMatchObject({
          status: 400,
          code: "invalid_idempotency_key",
        });
      }
    });

    it("replays a create-only PUT as created, a delete as deleted, a batch and a compat /set", async () => {
      const f = await open();
      const key = uniqueKey("idem");
      const createOnly = { "If-None-Match": "*", "Idempotency-Key": `c-${key}` };
      expect((await putJson(f, key, 1, createOnly)).status).toBe(201);
      const retried = await putJson(f, key, 1, createOnly);
      expect(retried.status).toBe(201);
      expect(retried.headers.get("idempotent-replayed")).toBe("true");
      const del = { method: "DELETE", headers: { "Idempotency-Key": `d-${key}` } };
      expect((await f(kv(key), del)).status).toBe(204);
      expect((await f(kv(key), del)).status).toBe(204);
      const batch = {
        ops: [
          { op: "incr", key, by: 1 },
          { op: "get", key },
        ],
      };
      const b1 = await f("/v1/batch", {
        ...jsonInit("POST", batch),
        headers: { "Content-Type": "application/json", "Idempotency-Key": `b-${key}` },
      });
      const b2 = await f("/v1/batch", {
        ...jsonInit("POST", batch),
        headers: { "Content-Type": "application/json", "Idempotency-Key": `b-${key}` },
      });
      expect(await b2.text()).toBe(await b1.text());
      expect(await (await f(kv(key))).text()).toBe("1");
      const set = {
        ...jsonInit("POST", { key, value: "s" }),
        headers: { "Content-Type": "application/json", "Idempotency-Key": `s-${key}` },
      };
      expect((await f("/set", set)).status).toBe(200);
      expect((await f("/set", set)).headers.get("idempotent-replayed")).toBe("true");
    });

    it("answers 422 when a retry changes its preconditions or metadata, not the first answer", async () => {
      const f = await open();
      const key = uniqueKey("idem-headers");
      const first = await putJson(f, key, 1, { "Idempotency-Key": `h-${key}`, "If-None-Match": "*" });
      expect(first.status).toBe(201);
      const version = first.headers.get("etag") ?? "";
      const retries: Record<string, string>[] = [
        { "If-Match": version },
        {},
        { "If-None-Match": "*", "KV-Metadata": '{"m":1}' },
      ];
      for (const changed of retries) {
        const retry = await putJson(f, key, 1, { "Idempotency-Key": `h-${key}`, ...changed });
        expect(await problemOf(retry), JSON.stringify(changed)).toMatchObject({
          status: 422,
          code: "idempotency_key_reused",
        });
      }
      const same = await putJson(f, key, 1, { "Idempotency-Key": `h-${key}`, "If-None-Match": "*" });
      expect(same.status).toBe(201);
      expect(same.headers.get("idempotent-replayed")).toBe("true");
    });

    it("applies 100 concurrent identical requests with one key once", async () => {
      const f = await open(PATIENT);
      const key = uniqueKey("idem-burst");
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          f(`${kv(key)}/incr`, { method: "POST", headers: { "Idempotency-Key": `burst-${key}` } }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      const bodies = await Promise.all(answers.filter((a) => a.status === 200).map((a) => a.json()));
      for (const body of bodies) expect(body).toMatchObject({ value: 1 });
      expect(await (await f(kv(key))).text()).toBe("1");
    });
  });

  describe(`export and import: ${name}`, { timeout: 30_000 }, () => {
    it("exports a header line, then every live key in listing order with exact values", async () => {
      const f = await open();
      const prefix = `${uniqueKey("exp")}/`;
      await putJson(f, `${prefix}b`, { n: 1 });
      await f(kv(`${prefix}a`), {
        method: "PUT",
        headers: { "Content-Type": "application/json", "KV-Metadata": '{"o":"é"}' },
        body: "[1.50,1e3,-0]",
      });
      await f(`${kv(`${prefix}c`)}?ttl=600`, { method: "PUT", headers: JSON_TYPE, body: "12345678901234567890" });
      const before = await storeRevision(f);
      const res = await f(`/v1/export?prefix=${encodeURIComponent(prefix)}`);
      const text = await ndjsonText(res);
      const [header, ...lines] = text.trimEnd().split("\n");
      expect(JSON.parse(header ?? "")).toMatchObject({
        format: "edge-kv/1",
        revision: expect.any(Number),
        exported_at: expect.any(Number),
        prefix,
      });
      expect(JSON.parse(header ?? "").revision).toBeGreaterThanOrEqual(before);
      expect(lines.map((line) => JSON.parse(line).key)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
      expect(lines[0]).toMatch(/"value":\[1\.50,1e3,-0\]/);
      expect(lines[0]).toMatch(/"metadata":\{"o":"é"\}/);
      expect(lines[2]).toMatch(/"value":12345678901234567890/);
      expect(JSON.parse(lines[2] ?? "").expires_at).toBeGreaterThan(Date.now());
    });

    it("round-trips export -> import into an empty namespace -> export, lines equal apart from versions", async () => {
      const f = await open();
      const prefix = `${uniqueKey("rt")}/`;
      for (let i = 0; i < 7; i++) await putJson(f, `${prefix}k${i}`, { i, big: 12345678901234567890n.toString() });
      await f(kv(`${prefix}m`), {
        method: "PUT",
        headers: { ...JSON_TYPE, "KV-Metadata": '{"tags":["x"]}' },
        body: "1.0",
      });
      const first = await exported(f, prefix);
      // On Upstash a namespace of its own: an empty store (the Map backend has one store per isolate).
      const target = await open();
      const backup = await ndjsonText(await f(`/v1/export?prefix=${encodeURIComponent(prefix)}`));
      const res = await target("/v1/import", {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: backup,
      });
      expect(await res.json()).toEqual({ imported: 8, skipped: 0, failed: [], failed_not_listed: 0 });
      const second = await exported(target, prefix);
      const strip = (lines: Record<string, unknown>[]) => lines.slice(1).map(({ version: _v, ...rest }) => rest);
      expect(strip(second)).toEqual(strip(first));
      const again = await target("/v1/import", { method: "POST", body: ndjson(first.slice(1)) });
      expect(await again.json()).toMatchObject({ imported: 8 });
      expect(strip(await exported(target, prefix))).toEqual(strip(first));
    });

    it("skips lines whose expiry passed, lists failed lines with their codes, and honours create_only", async () => {
      const f = await open();
      const prefix = `${uniqueKey("imp")}/`;
      await putJson(f, `${prefix}exists`, "old");
      const body = [
        JSON.stringify({ key: `${prefix}ok`, value: 1 }),
        JSON.stringify({ key: `${prefix}gone`, value: 1, expires_at: Date.now() - 1000 }),
        "not json",
        JSON.stringify({ key: "__edgekv__:x", value: 1 }),
        JSON.stringify({ value: 1 }),
        JSON.stringify({ key: `${prefix}exists`, value: "new" }),
        "",
      ].join("\n");
      const res = await f("/v1/import?mode=create_only", { method: "POST", body });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        imported: 1,
        skipped: 1,
        failed: [
          { line: 3, code: "malformed_json", detail: expect.any(String) },
          { line: 4, code: "key_reserved", detail: expect.any(String) },
          { line: 5, code: "missing_key", detail: expect.any(String) },
          { line: 6, code: "precondition_failed", detail: expect.any(String) },
        ],
        failed_not_listed: 0,
      });
      expect(await (await f(kv(`${prefix}exists`))).json()).toBe("old");
      expect((await f(kv(`${prefix}gone`))).status).toBe(404);
      expect(await problemOf(await f("/v1/import?mode=merge", { method: "POST", body: "" }))).toMatchObject({
        code: "invalid_mode",
      });
    });

    it("refuses an import over KV_MAX_IMPORT_BYTES with 413 and writes nothing", async () => {
      const f = await open({ KV_MAX_IMPORT_BYTES: "200" });
      const prefix = `${uniqueKey("big")}/`;
      const lines = Array.from({ length: 10 }, (_, i) =>
        JSON.stringify({ key: `${prefix}${i}`, value: "x".repeat(20) }),
      );
      const res = await f("/v1/import", { method: "POST", body: lines.join("\n") });
      expect(await problemOf(res)).toMatchObject({ status: 413, code: "body_too_large", limit: 200 });
      expect((await exported(f, prefix)).length).toBe(1);
    });

    it("replays an import sent again with the same Idempotency-Key", async () => {
      const f = await open();
      const prefix = `${uniqueKey("impi")}/`;
      const body = ndjson([{ key: `${prefix}n`, value: 1 }]);
      const headers = { "Idempotency-Key": `imp-${prefix}` };
      const first = await f("/v1/import", { method: "POST", headers, body });
      expect(await first.json()).toMatchObject({ imported: 1 });
      await putJson(f, `${prefix}n`, 2);
      const again = await f("/v1/import", { method: "POST", headers, body });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.json()).toMatchObject({ imported: 1 });
      expect(await (await f(kv(`${prefix}n`))).json()).toBe(2);
    });
  });

  describe(`change feed: ${name}`, { timeout: 30_000 }, () => {
    const watchApp = () => open({ KV_WATCH_POLL_MS: "20", KV_WATCH_MAX_POLLS: "100000" });
    const data = (event: SseEvent) => JSON.parse(event.data) as Record<string, unknown>;

    it("streams puts and deletes of a prefix in revision order, from compat, v1, batch and txn writes", async () => {
      const f = await watchApp();
      const prefix = `${uniqueKey("w")}/`;
      const watch = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}&values=1`));
      try {
        await f("/set", jsonInit("POST", { key: `${prefix}a`, value: 1 }));
        await f(kv(`${prefix}b`), {
          method: "PUT",
          headers: { ...JSON_TYPE, "KV-Metadata": '{"m":1}' },
          body: '{"x":1.50}',
        });
        await putJson(f, "elsewhere", 1);
        await f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "incr", key: `${prefix}n`, by: 2 },
              { op: "delete", key: `${prefix}a` },
            ],
          }),
        );
        await txn(f, {
          ops: [
            { op: "put", key: `${prefix}t1`, value: 1 },
            { op: "put", key: `${prefix}t2`, value: 2 },
          ],
        });
        const events = await watch.until((seen) => seen.length >= 6);
        expect(events.map((e) => [e.event, data(e).key])).toEqual([
          ["put", `${prefix}a`],
          ["put", `${prefix}b`],
          ["put", `${prefix}n`],
          ["delete", `${prefix}a`],
          ["put", `${prefix}t1`],
          ["put", `${prefix}t2`],
        ]);
        const ids = events.map((e) => Number(e.id));
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(ids[4]).toBe(ids[5]);
        expect(events[1]?.data).toMatch(/"value":\{"x":1\.50\}/);
        expect(data(events[1] as SseEvent)).toMatchObject({ version: ids[1], metadata: { m: 1 }, expires_at: null });
        expect(data(events[3] as SseEvent)).toEqual({ key: `${prefix}a`, version: ids[3] });
      } finally {
        await watch.close();
      }
    });

    it("resumes after Last-Event-ID or since, skipping and repeating nothing", async () => {
      const f = await watchApp();
      const prefix = `${uniqueKey("wr")}/`;
      const start = String(await storeRevision(f));
      for (let i = 0; i < 6; i++) await putJson(f, `${prefix}${i}`, i);
      const first = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}&since=${start}`));
      const seen = await first.until((events) => events.length >= 3);
      await first.close();
      const lastId = seen[2]?.id ?? "";
      const resumed = readSse(
        await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`, { headers: { "Last-Event-ID": lastId } }),
      );
      const rest = await resumed.until((events) => events.length >= 3);
      await resumed.close();
      expect([...seen.slice(0, 3), ...rest.slice(0, 3)].map((e) => data(e).key)).toEqual(
        Array.from({ length: 6 }, (_, i) => `${prefix}${i}`),
      );
      expect(await problemOf(await f("/v1/watch?since=-1"))).toMatchObject({ status: 400, code: "invalid_since" });
      expect(await problemOf(await f("/v1/watch", { headers: { "Last-Event-ID": "x" } }))).toMatchObject({
        code: "invalid_since",
      });
    });

    it("delivers each of 1,000 writes from 20 concurrent writers exactly once, in revision order", async () => {
      const f = await watchApp();
      const prefix = `${uniqueKey("wc")}/`;
      const watch = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`));
      try {
        await Promise.all(
          Array.from({ length: 20 }, async (_, writer) => {
            for (let i = 0; i < 50; i++) await putJson(f, `${prefix}${writer}/${i}`, i);
          }),
        );
        const events = await watch.until((seen) => seen.length >= 1000, 60_000);
        expect(events).toHaveLength(1000);
        const keys = events.map((e) => data(e).key);
        expect(new Set(keys).size).toBe(1000);
        const ids = events.map((e) => Number(e.id));
        expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true);
      } finally {
        await watch.close();
      }
    }, 90_000);

    it("answers one reset naming the oldest revision held when asked for one the log dropped, then goes on", async () => {
      const f = await open({ KV_CHANGE_LOG_SIZE: "3", KV_WATCH_POLL_MS: "20", KV_WATCH_MAX_POLLS: "100000" });
      // The Map backend keeps one store per isolate, with the log size it was first opened with;
      // its trimming is checked by the store contract (test/store/contract.ts).
      if (((await (await f("/")).json()) as { backend: string }).backend !== "upstash") return;
      const prefix = `${uniqueKey("wz")}/`;
      const start = await storeRevision(f);
      for (let i = 0; i < 6; i++) await putJson(f, `${prefix}${i}`, i);
      const watch = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}&since=${start}`));
      try {
        const [reset] = await watch.until((events) => events.length >= 1);
        expect(reset?.event).toBe("reset");
        const body = data(reset as SseEvent) as { oldest_revision: number; revision: number };
        expect(body.revision).toBeGreaterThanOrEqual(start + 6);
        expect(body.oldest_revision).toBeGreaterThan(start + 1);
        expect(reset?.id).toBe(String(body.revision));
        await putJson(f, `${prefix}after`, 1);
        const events = await watch.until((seen) => seen.length >= 2);
        expect(events.slice(1).map((e) => [e.event, data(e).key])).toEqual([["put", `${prefix}after`]]);
      } finally {
        await watch.close();
      }
    });

    it("reports nothing when a key expires: the put's expires_at says when", async () => {
      const f = await watchApp();
      const prefix = `${uniqueKey("wx")}/`;
      const watch = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`));
      try {
        await f(`${kv(`${prefix}brief`)}?ttl=0.3`, { method: "PUT", headers: JSON_TYPE, body: "1" });
        const [put1] = await watch.until((events) => events.length >= 1);
        expect(data(put1 as SseEvent).expires_at).toEqual(expect.any(Number));
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect((await f(kv(`${prefix}brief`))).status).toBe(404);
        await putJson(f, `${prefix}marker`, 1);
        const events = await watch.until((seen) => seen.length >= 2);
        expect(events.map((e) => [e.event, data(e).key])).toEqual([
          ["put", `${prefix}brief`],
          ["put", `${prefix}marker`],
        ]);
      } finally {
        await watch.close();
      }
    });

    it("ends a stream by itself after KV_WATCH_MAX_POLLS reads on Upstash; a resume from its last id loses nothing", async () => {
      const f = await open({ KV_WATCH_POLL_MS: "20", KV_WATCH_MAX_POLLS: "5" });
      const prefix = `${uniqueKey("wm")}/`;
      const start = String(await storeRevision(f));
      const first = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}&since=${start}`));
      await putJson(f, `${prefix}a`, 1);
      const seen = await first.until(() => false, 3_000).catch(() => first.events);
      await first.close();
      const upstash = (await (await f("/")).json()) as { backend: string };
      if (upstash.backend !== "upstash") {
        // The Map backend reads memory, not Upstash: its streams have no poll budget.
        expect(first.ended).toBe(false);
        return;
      }
      expect(first.ended).toBe(true);
      await putJson(f, `${prefix}b`, 2);
      const last = seen.at(-1)?.id ?? start;
      const resumed = readSse(
        await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`, { headers: { "Last-Event-ID": last } }),
      );
      const rest = await resumed.until((events) => events.length + seen.length >= 2);
      await resumed.close();
      expect([...seen, ...rest].map((e) => data(e).key)).toEqual([`${prefix}a`, `${prefix}b`]);
    });

    it("names its start revision before any event, so a reconnect after a quiet stream loses nothing", async () => {
      const f = await watchApp();
      const prefix = `${uniqueKey("wq")}/`;
      const start = String(await storeRevision(f));
      const quiet = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`));
      await quiet.until(() => quiet.lastEventId !== null, 5_000);
      await quiet.close();
      expect(Number(quiet.lastEventId)).toBeGreaterThanOrEqual(Number(start));
      expect(quiet.events).toEqual([]);
      // Written while no stream is open: EventSource reconnects with the id it last saw.
      await putJson(f, `${prefix}while-away`, 1);
      const resumed = readSse(
        await f(`/v1/watch?prefix=${encodeURIComponent(prefix)}`, {
          headers: { "Last-Event-ID": quiet.lastEventId ?? "" },
        }),
      );
      try {
        const [event] = await resumed.until((events) => events.length >= 1);
        expect(data(event as SseEvent).key).toBe(`${prefix}while-away`);
      } finally {
        await resumed.close();
      }
    });

    it("refuses a since or Last-Event-ID ahead of the store's revision with 400 invalid_since", async () => {
      const f = await watchApp();
      const current = await storeRevision(f);
      const ahead = String(current + 1_000_000);
      for (const res of [
        await f(`/v1/watch?since=${ahead}`),
        await f("/v1/watch", { headers: { "Last-Event-ID": ahead } }),
      ]) {
        expect(await problemOf(res)).toMatchObject({ status: 400, code: "invalid_since" });
      }
    });

    it("sends a comment line when nothing happens for KV_WATCH_KEEPALIVE_MS", async () => {
      const f = await open({ KV_WATCH_POLL_MS: "20", KV_WATCH_KEEPALIVE_MS: "150", KV_WATCH_MAX_POLLS: "100000" });
      const watch = readSse(await f(`/v1/watch?prefix=${encodeURIComponent(uniqueKey("quiet"))}`));
      try {
        await watch.until(() => watch.comments.length >= 2, 5_000);
        expect(watch.comments).toContain("keep-alive");
        expect(watch.events).toEqual([]);
      } finally {
        await watch.close();
      }
    });
  });
}
