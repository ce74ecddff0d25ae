import { describe, expect, it } from "vitest";
import { MAX_TTL_SECONDS } from "../../src/rules/expiry";
import { parseConfig } from "../../src/settings";
import { openStore } from "../../src/store/select";
import { appFetch, type Fetch, kv, ndjsonLines, problemOf, putJson, uniqueKey } from "../support/http";

// Edges of transactions, export/import and Idempotency-Key through HTTP on the Map backend:
// the answers a client gets at limits, on bad input and on retries. (features-suite.ts holds
// the main behaviour, on both backends.)

function post(f: Fetch, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return f(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
}

const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;

interface ImportAnswer {
  imported: number;
  skipped: number;
  failed: { line: number; code: string; detail: string }[];
  failed_not_listed: number;
}

async function imported(res: Response): Promise<ImportAnswer> {
  expect(res.status).toBe(200);
  return (await res.json()) as ImportAnswer;
}

async function exportLines(f: Fetch, query = ""): Promise<Record<string, unknown>[]> {
  const res = await f(`/v1/export${query}`);
  expect(res.status).toBe(200);
  return ndjsonLines(res);
}

describe("transactions with reads and expiry changes", () => {
  const f = appFetch({});

  it("refuses a get among a transaction's operations (reads are its checks), changing nothing", async () => {
    const [a, b] = [uniqueKey("txn-read"), uniqueKey("txn-read")];
    await putJson(f, a, 1);
    const res = await post(
      f,
      "/v1/txn",
      JSON.stringify({
        ops: [
          { op: "put", key: b, value: 2 },
          { op: "get", key: a },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({ code: "invalid_op", field: "ops.1.op" });
    expect((await f(kv(b))).status).toBe(404);
  });

  it("changes an expiry in a transaction, and refuses the whole transaction when the key is missing", async () => {
    const [a, b, missing] = [uniqueKey("txn-exp"), uniqueKey("txn-exp"), uniqueKey("txn-exp")];
    await putJson(f, a, 1);
    const res = await post(f, "/v1/txn", JSON.stringify({ checks: [], ops: [{ op: "expire", key: a, ttl: 600 }] }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { revision: number; results: { expires_at: number; version: number }[] };
    expect(body.results[0]).toMatchObject({ op: "expire", key: a, status: 200, version: body.revision });
    expect(body.results[0]?.expires_at).toBeGreaterThan(Date.now() + 590_000);

    const refused = await post(
      f,
      "/v1/txn",
      JSON.stringify({
        checks: [],
        ops: [
          { op: "put", key: b, value: 1 },
          { op: "expire", key: missing, persist: true },
        ],
      }),
    );
    expect(refused.status).toBe(409);
    expect(await problemOf(refused)).toMatchObject({
      code: "txn_op_failed",
      index: 1,
      op: "expire",
      key: missing,
      status: 409,
      op_status: 404,
      cause: "key_not_found",
    });
    expect((await f(kv(b))).status).toBe(404);
  });

  it.each([
    ["a number", "5"],
    ["null", "null"],
    ["a string", '"ops"'],
  ])("answers 400 to a batch or transaction body that is %s", async (_name, body) => {
    for (const path of ["/v1/batch", "/v1/txn"]) {
      const res = await post(f, path, body);
      expect(res.status, path).toBe(400);
      expect((await problemOf(res)).code, path).toBe("body_not_object");
    }
  });
});

describe("import edges", () => {
  it("lists a line whose value, metadata or expiry fails the PUT checks, and applies the others", async () => {
    const f = appFetch({ KV_MAX_VALUE_BYTES: "64" });
    const prefix = uniqueKey("imp-checks");
    const now = Date.now();
    const res = await post(
      f,
      "/v1/import",
      ndjson([
        { key: `${prefix}/big`, value: "x".repeat(100) },
        { key: `${prefix}/meta`, value: 1, metadata: { note: "m".repeat(1100) } },
        { key: `${prefix}/far`, value: 1, expires_at: now + (MAX_TTL_SECONDS + 3600) * 1000 },
        { key: `${prefix}/ok`, value: 1 },
      ]),
    );
    const answer = await imported(res);
    expect(answer).toMatchObject({ imported: 1, skipped: 0, failed_not_listed: 0 });
    expect(answer.failed.map(({ line, code }) => [line, code])).toEqual([
      [1, "value_too_large"],
      [2, "metadata_too_large"],
      [3, "invalid_expires_at"],
    ]);
    for (const failure of answer.failed) expect(failure.detail).toMatch(new RegExp(`^Line ${failure.line}: `));
    expect((await f(kv(`${prefix}/ok`))).status).toBe(200);
    for (const name of ["big", "meta", "far"]) expect((await f(kv(`${prefix}/${name}`))).status).toBe(404);
  });

  it("keeps a future expires_at of an imported line", async () => {
    const f = appFetch({});
    const key = uniqueKey("imp-exp");
    const at = Date.now() + 3_600_000;
    expect(await imported(await post(f, "/v1/import", ndjson([{ key, value: "v", expires_at: at }])))).toMatchObject({
      imported: 1,
    });
    const res = await f(kv(key));
    expect(res.status).toBe(200);
    expect(res.headers.get("kv-expires-at")).toBe(String(at));
  });

  it("fails the first line when it names another export format, and applies the rest", async () => {
    const f = appFetch({});
    const key = uniqueKey("imp-format");
    const answer = await imported(
      await post(
        f,
        "/v1/import",
        ndjson([
          { format: "edge-kv/99", revision: 1 },
          { key, value: 1 },
        ]),
      ),
    );
    expect(answer.imported).toBe(1);
    expect(answer.failed).toEqual([{ line: 1, code: "invalid_line", detail: expect.stringContaining("edge-kv/1") }]);
  });

  it("writes nothing when every line has expired, and replays that answer for the same Idempotency-Key", async () => {
    const f = appFetch({});
    const past = Date.now() - 1000;
    const [a, b] = [uniqueKey("imp-past"), uniqueKey("imp-past")];
    const body = ndjson([
      { key: a, value: 1, expires_at: past },
      { key: b, value: 2, expires_at: past },
    ]);
    expect(await imported(await post(f, "/v1/import", body))).toEqual({
      imported: 0,
      skipped: 2,
      failed: [],
      failed_not_listed: 0,
    });
    const idempotencyKey = uniqueKey("imp-past-idem");
    const first = await post(f, "/v1/import", body, { "Idempotency-Key": idempotencyKey });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await post(f, "/v1/import", body, { "Idempotency-Key": idempotencyKey });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await imported(again)).toEqual(await imported(first));
    expect((await f(kv(a))).status).toBe(404);
  });

  it("answers 422 when an Idempotency-Key comes back with another import", async () => {
    const f = appFetch({});
    const idempotencyKey = uniqueKey("imp-reuse");
    const [a, b] = [uniqueKey("imp-reuse"), uniqueKey("imp-reuse")];
    await imported(await post(f, "/v1/import", ndjson([{ key: a, value: 1 }]), { "Idempotency-Key": idempotencyKey }));
    const res = await post(f, "/v1/import", ndjson([{ key: b, value: 1 }]), { "Idempotency-Key": idempotencyKey });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).code).toBe("idempotency_key_reused");
    expect((await f(kv(b))).status).toBe(404);
  });

  it("runs an import of several groups once per Idempotency-Key, and tells a retry while it runs", async () => {
    const f = appFetch({});
    const prefix = uniqueKey("imp-groups");
    const lines = Array.from({ length: 250 }, (_, i) => ({ key: `${prefix}/${String(i).padStart(3, "0")}`, value: i }));
    const body = ndjson(lines);
    const idempotencyKey = uniqueKey("imp-groups-idem");

    // A mark held as the first request would hold it while it runs (caller "anonymous": no tokens).
    const store = await openStore(parseConfig({ STORAGE_BACKEND: "memory" }));
    const mark = `anonymous:${idempotencyKey}#running`;
    expect(await store.hold(mark, 60)).toBe(true);
    const busy = await post(f, "/v1/import", body, { "Idempotency-Key": idempotencyKey });
    expect(busy.status).toBe(409);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect((await problemOf(busy)).code).toBe("idempotency_in_flight");
    expect((await f(kv(lines[0]?.key ?? ""))).status).toBe(404);
    await store.release(mark);

    const first = await post(f, "/v1/import", body, { "Idempotency-Key": idempotencyKey });
    expect(await imported(first)).toEqual({ imported: 250, skipped: 0, failed: [], failed_not_listed: 0 });
    const version = (await f(kv(lines[249]?.key ?? ""), { method: "HEAD" })).headers.get("etag");
    // The mark is gone once the import ends: a retry replays every group and changes nothing.
    expect(await store.hold(mark, 60)).toBe(true);
    await store.release(mark);
    const again = await post(f, "/v1/import", body, { "Idempotency-Key": idempotencyKey });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await imported(again)).toEqual({ imported: 250, skipped: 0, failed: [], failed_not_listed: 0 });
    expect((await f(kv(lines[249]?.key ?? ""), { method: "HEAD" })).headers.get("etag")).toBe(version);
  });
});

describe("export edges", () => {
  it("exports every key when no prefix is given, with an empty prefix in the header", async () => {
    const f = appFetch({});
    const key = uniqueKey("exp-all");
    await putJson(f, key, [1, 2]);
    const [header, ...lines] = await exportLines(f);
    expect(header).toMatchObject({ format: "edge-kv/1", prefix: "" });
    expect(lines.find((line) => line.key === key)).toMatchObject({ value: [1, 2], expires_at: null, metadata: null });
  });

  it("reads an export of more than one page in order, each key once", async () => {
    const f = appFetch({});
    const prefix = uniqueKey("exp-pages");
    const keys = Array.from({ length: 1001 }, (_, i) => `${prefix}/${String(i).padStart(4, "0")}`);
    for (let start = 0; start < keys.length; start += 500) {
      const lines = keys.slice(start, start + 500).map((key, i) => ({ key, value: start + i }));
      expect((await imported(await post(f, "/v1/import", ndjson(lines)))).imported).toBe(lines.length);
    }
    const [header, ...lines] = await exportLines(f, `?prefix=${encodeURIComponent(prefix)}`);
    expect(header).toMatchObject({ format: "edge-kv/1", prefix });
    expect(lines.map((line) => line.key)).toEqual(keys);
    expect(lines.map((line) => line.value)).toEqual(keys.map((_, i) => i));
  });
});

describe("Idempotency-Key spelling", () => {
  it("reads a quoted key (a structured-field string) as the same key as its bare text", async () => {
    const f = appFetch({});
    const key = uniqueKey("idem-quoted");
    const idempotencyKey = uniqueKey("idem");
    const body = JSON.stringify({ ops: [{ op: "incr", key }] });
    const first = await post(f, "/v1/batch", body, { "Idempotency-Key": `"${idempotencyKey}"` });
    expect(first.status).toBe(200);
    const again = await post(f, "/v1/batch", body, { "Idempotency-Key": idempotencyKey });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await (await f(kv(key))).json()).toBe(1);
  });

  it.each([
    ["empty quotes", '""'],
    ["a control character", "a\tb"],
    ["256 characters", "k".repeat(256)],
  ])("refuses a key of %s with 400 invalid_idempotency_key", async (_name, header) => {
    const f = appFetch({});
    const key = uniqueKey("idem-bad");
    const res = await post(f, "/v1/batch", JSON.stringify({ ops: [{ op: "incr", key }] }), {
      "Idempotency-Key": header,
    });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe("invalid_idempotency_key");
    expect((await f(kv(key))).status).toBe(404);
  });
});

describe("single-key write edges", () => {
  const f = appFetch({});

  it("refuses If-Match together with If-None-Match, and If-None-Match on DELETE", async () => {
    const key = uniqueKey("pre");
    await putJson(f, key, 1);
    const both = await putJson(f, key, 2, { "If-Match": '"1"', "If-None-Match": "*" });
    expect(both.status).toBe(400);
    expect(await problemOf(both)).toMatchObject({
      code: "invalid_precondition",
      detail: expect.stringContaining("not both"),
    });
    const del = await f(kv(key), { method: "DELETE", headers: { "If-None-Match": "*" } });
    expect(del.status).toBe(400);
    expect(await problemOf(del)).toMatchObject({
      code: "invalid_precondition",
      detail: "If-None-Match is not supported on this method",
    });
    expect(await (await f(kv(key))).json()).toBe(1);
  });

  it("refuses an expires_at more than ten years ahead, naming the latest one accepted", async () => {
    const key = uniqueKey("far");
    const nowSeconds = Math.floor(Date.now() / 1000);
    const res = await f(`${kv(key)}?expires_at=${nowSeconds + MAX_TTL_SECONDS + 3600}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: "1",
    });
    expect(res.status).toBe(400);
    const problem = (await problemOf(res)) as unknown as { code: string; limit: number };
    expect(problem.code).toBe("invalid_expires_at");
    expect(problem.limit).toBeGreaterThanOrEqual(nowSeconds + MAX_TTL_SECONDS);
    expect((await f(kv(key))).status).toBe(404);
  });

  it("refuses KV-Metadata that is not JSON, or holds U+FFFD raw (the runtime's stand-in for bytes not UTF-8)", async () => {
    const cases: [string, string][] = [
      ["{not json", "KV-Metadata must be a JSON object"],
      ['{"a":"\uFFFD"}', "KV-Metadata is not valid UTF-8"],
    ];
    for (const [header, detail] of cases) {
      const key = uniqueKey("meta-bad");
      const res = await putJson(f, key, 1, { "KV-Metadata": header });
      expect(res.status, header).toBe(400);
      expect(await problemOf(res), header).toMatchObject({
        code: "invalid_metadata",
        detail: expect.stringContaining(detail),
      });
      expect((await f(kv(key))).status).toBe(404);
    }
    const escaped = uniqueKey("meta-escaped");
    expect((await putJson(f, escaped, 1, { "KV-Metadata": '{"a":"\\ufffd"}' })).status).toBe(201);
    expect((await f(kv(escaped))).headers.get("kv-metadata")).toBe('{"a":"\\ufffd"}');
  });

  it.each([
    ["short", "\\ud800x"],
    ["long enough to be counted", `${"k".repeat(200)}\\ud800x`],
  ])("refuses a %s key holding a lone surrogate (escaped in JSON) with 400 key_invalid", async (_name, escapedKey) => {
    const res = await post(f, "/set", `{"key":"${escapedKey}","value":1}`);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe("key_invalid");
  });

  it.each(["0", "false"])("reads keep_ttl=%s as no choice: the write clears the expiry", async (flag) => {
    const key = uniqueKey("keep-off");
    const write = (query: string) =>
      f(`${kv(key)}${query}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: "1" });
    expect((await write("?ttl=600")).status).toBe(201);
    expect((await f(kv(key))).headers.get("kv-expires-at")).not.toBeNull();
    expect((await write(`?keep_ttl=${flag}`)).status).toBe(200);
    expect((await f(kv(key))).headers.get("kv-expires-at")).toBeNull();
  });

  it("sends metadata back in ASCII, every non-ASCII character escaped", async () => {
    const key = uniqueKey("meta-ascii");
    await putJson(f, key, 1, { "KV-Metadata": '{"city":"Z\\u00fcrich","smile":"\\ud83d\\ude00"}' });
    const res = await f(kv(key));
    expect(res.headers.get("kv-metadata")).toBe('{"city":"Z\\u00fcrich","smile":"\\ud83d\\ude00"}');
    expect(JSON.parse(res.headers.get("kv-metadata") ?? "")).toEqual({ city: "Zürich", smile: "😀" });
  });
});
