import { afterEach, describe, expect, it, vi } from "vitest";
import { StorageUnavailableError } from "../../src/problems";
import type { StoreOp } from "../../src/store/types";
import { decodeChangePage } from "../../src/store/upstash/changes";
import { decodeListPage } from "../../src/store/upstash/listing";
import { decodeRecorded, decodeRun } from "../../src/store/upstash/ops";
import { appFetch, ndjsonLines, problemOf } from "../support/http";
import { upstashContext } from "../support/upstash";

// Storage failures of the routes that came with transactions, export/import, watch and
// Idempotency-Key, and Upstash replies of the wrong shape for the scripts behind them: a 503
// (or, once an export has begun, an error line), never a wrong value or a silent success.
// upstash-failure.test.ts holds the single-key routes.
const context = upstashContext();

/** Upstash at a fake address; the replies come from a stand-in for fetch. */
const STUBBED = {
  STORAGE_BACKEND: "upstash",
  UPSTASH_REDIS_REST_URL: "http://upstash.invalid",
  UPSTASH_REDIS_REST_TOKEN: "t",
  KV_ALLOW_ANONYMOUS: "true",
};

/** Answers each Upstash request in turn with the next reply (an Error is a network failure). */
function stubUpstash(...replies: unknown[]) {
  let call = 0;
  return vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
    const reply = replies[Math.min(call++, replies.length - 1)];
    if (reply instanceof Error) throw reply;
    return Response.json({ result: reply });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

const JSON_POST = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe.skipIf(context.bridge === null)("new routes when nothing listens at the Upstash URL", () => {
  const http = appFetch({
    STORAGE_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: context.deadUrl,
    UPSTASH_REDIS_REST_TOKEN: "t",
    UPSTASH_TIMEOUT_MS: "1500",
    KV_ALLOW_ANONYMOUS: "true",
  });

  it.each<[string, string, RequestInit | undefined]>([
    ["POST /v1/txn", "/v1/txn", JSON_POST({ checks: [{ key: "a", present: true }], ops: [{ op: "incr", key: "a" }] })],
    ["POST /v1/batch", "/v1/batch", JSON_POST({ ops: [{ op: "get", key: "a" }] })],
    ["POST /v1/import", "/v1/import", JSON_POST('{"key":"a","value":1}\n')],
    ["GET /v1/export", "/v1/export", undefined],
    ["GET /v1/watch", "/v1/watch", undefined],
    [
      "PUT /v1/kv/a with an Idempotency-Key",
      "/v1/kv/a",
      { ...JSON_POST("1", { "Idempotency-Key": "k" }), method: "PUT" },
    ],
  ])("%s answers 503 storage_unavailable with Retry-After", async (name, path, init) => {
    const res = await http(path, init);
    expect(res.status, name).toBe(503);
    expect(res.headers.get("retry-after"), name).toMatch(/^[0-9]+$/);
    expect((await problemOf(res)).code, name).toBe("storage_unavailable");
  });
});

describe("an export whose storage fails after it began", () => {
  it("ends its stream with an error line carrying the problem", async () => {
    // The revision read answers; the first page read fails.
    const fetchSpy = stubUpstash("7", new TypeError("Network connection lost."));
    const res = await appFetch(STUBBED)("/v1/export?prefix=p");
    expect(res.status).toBe(200);
    const lines = await ndjsonLines(res);
    expect(fetchSpy).toHaveBeenCalledTimes(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ format: "edge-kv/1", revision: 7, prefix: "p" });
    expect(lines[1]).toEqual({
      error: expect.objectContaining({
        status: 503,
        code: "storage_unavailable",
        detail: expect.stringContaining("Network connection lost"),
      }),
    });
  });
});

describe("Upstash client errors in answers", () => {
  it("cuts a long error message short and never shows the command sent", async () => {
    stubUpstash(new Error(`${"x".repeat(400)}, command was: ["evalsha","secret value"]`));
    const res = await appFetch(STUBBED)("/v1/kv/k");
    expect(res.status).toBe(503);
    const { detail } = await problemOf(res);
    expect(detail).toMatch(/x…$/);
    expect(detail.length).toBeLessThan(300);
    expect(detail).not.toContain("secret");
  });

  it("describes a failure that is not an Error by its text", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(() => Promise.reject("connection refused"));
    const res = await appFetch(STUBBED)("/v1/kv/k");
    expect(res.status).toBe(503);
    expect((await problemOf(res)).detail).toContain("connection refused");
  });
});

describe("ops script replies of the wrong shape", () => {
  it.each<[string, string, RequestInit | undefined, unknown, string]>([
    [
      "PUT",
      "/v1/kv/k",
      { method: "PUT", headers: { "Content-Type": "application/json" }, body: "1" },
      ["done", 5, [["stored"]]],
      "put",
    ],
    ["DELETE", "/v1/kv/k", { method: "DELETE" }, ["done", 5, [["gone"]]], "delete"],
    ["PATCH", "/v1/kv/k", { ...JSON_POST({ persist: true }), method: "PATCH" }, ["done", 5, [["kept"]]], "expire"],
    [
      "POST /v1/txn",
      "/v1/txn",
      JSON_POST({ ops: [{ op: "incr", key: "a" }] }),
      ["op_failed", 3, ["not_integer"]],
      "a failed op",
    ],
    ["GET", "/v1/kv/k", undefined, ["done", -1, [["entry"]]], "get metadata: undefined"],
  ])("%s answers 503 for a reply the store cannot read", async (_name, path, init, reply, what) => {
    stubUpstash(reply);
    const res = await appFetch(STUBBED)(path, init);
    expect(res.status).toBe(503);
    const problem = await problemOf(res);
    expect(problem.code).toBe("storage_unavailable");
    expect(problem.detail).toContain(`Unexpected reply from Upstash for ${what}`);
  });
});

describe("Upstash reply decoding", () => {
  const get: StoreOp[] = [{ op: "get", key: "k" }];

  it("reads a recorded answer: arrays, integers and strings counted in bytes", () => {
    expect(decodeRecorded("a3:i-5;s2:és0:")).toEqual([-5, "é", ""]);
    expect(decodeRun(get, ["replay", "a3:s4:donei-1;a1:a1:s7:missing"])).toEqual({
      kind: "done",
      results: [{ op: "get", key: "k", entry: null }],
      revision: null,
      replayed: true,
    });
  });

  it.each([
    ["a count with no end", "a1"],
    ["an unknown tag", "x1:"],
    ["text after the answer", "i5;junk"],
    ["a string cut short", "a2:s3:ab"],
  ])("refuses a recorded answer with %s", (_name, text) => {
    expect(() => decodeRecorded(text)).toThrow(StorageUnavailableError);
    expect(() => decodeRecorded(text)).toThrow("Unexpected reply from Upstash for an idempotency record");
  });

  it.each([
    ["a change id that is not <revision>-<n>", [2, [["2", ["t", "put", "k", "a"]]]], "a change id"],
    ["an unknown change type", [2, [["2-0", ["t", "expire", "k", "a"]]]], "a change type"],
    ["a change without fields", [2, [["2-0", "t"]]], "change fields"],
  ])("refuses a change log reply with %s", (_name, reply, what) => {
    expect(() => decodeChangePage(reply, 0)).toThrow(`Unexpected reply from Upstash for ${what}`);
  });

  it("reads a change with only its type as a change of an empty key, with no value or metadata", () => {
    expect(decodeChangePage([1, [["1-0", ["t", "put"]]]], 0)).toEqual({
      changes: [{ revision: 1, seq: 0, type: "put", key: "", version: 1, expiresAt: null, metadata: null, json: null }],
      trimmedBefore: null,
      revision: 1,
    });
  });

  it("refuses a listing reply whose length does not fit its entries", () => {
    expect(() => decodeListPage([1, "k", 1, -1])).toThrow("Unexpected reply from Upstash for the listing script");
    expect(() => decodeListPage([1, "k", 1, -1, "", '"v"'], false)).toThrow(StorageUnavailableError);
    expect(decodeListPage([1, "k", 1, -1, "", '"v"'], true)).toEqual({
      entries: [{ key: "k", version: 1, expiresAt: null, metadata: null, json: '"v"' }],
      complete: true,
    });
  });
});
