import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../src/store/memory";
import type { KvStore } from "../../src/store/types";
import { appFetch, type Fetch, jsonInit, problemOf } from "../support/http";
import { TOKENS, withToken } from "./tokens";

const LIMITS = {
  KV_MAX_KEY_BYTES: "8",
  KV_MAX_VALUE_BYTES: "64",
  KV_MAX_METADATA_BYTES: "16",
  KV_MAX_BATCH_OPS: "3",
  KV_MAX_LIST_LIMIT: "5",
} as const;

const STORE_METHODS = [
  "get",
  "getJson",
  "exists",
  "run",
  "hold",
  "release",
  "list",
  "revision",
  "changes",
  "reindex",
] as const satisfies readonly (keyof KvStore)[];

const f = appFetch(LIMITS);
const longKey = "k".repeat(9);
const bigValue = "v".repeat(63);
const put = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  f(path, { method: "PUT", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

let storeCalls: ReturnType<typeof vi.spyOn>[];

beforeEach(() => {
  storeCalls = STORE_METHODS.map((method) => vi.spyOn(MemoryStore.prototype, method));
});

afterEach(() => {
  for (const spy of storeCalls) spy.mockRestore();
});

function expectNoStorageCall(): void {
  for (const spy of storeCalls) expect(spy).not.toHaveBeenCalled();
}

describe("every limit is checked before any storage call", () => {
  const CASES: [string, number, string, number, () => Promise<Response>][] = [
    ["POST /set key", 400, "key_too_long", 8, () => f("/set", jsonInit("POST", { key: longKey, value: 1 }))],
    ["POST /set value", 413, "value_too_large", 64, () => f("/set", jsonInit("POST", { key: "k", value: bigValue }))],
    ["GET /get key", 414, "key_too_long", 8, () => f(`/get/${longKey}`)],
    ["DELETE /delete key", 414, "key_too_long", 8, () => f(`/delete/${longKey}`, { method: "DELETE" })],
    ["GET /exists key", 414, "key_too_long", 8, () => f(`/exists/${longKey}`)],
    ["PUT /v1/kv key", 414, "key_too_long", 8, () => put(`/v1/kv/${longKey}`, 1)],
    ["PUT /v1/kv value", 413, "body_too_large|value_too_large", 64, () => put("/v1/kv/k", bigValue)],
    [
      "PUT /v1/kv metadata",
      413,
      "metadata_too_large",
      16,
      () => put("/v1/kv/k", 1, { "KV-Metadata": '{"m":"0123456789"}' }),
    ],
    ["GET /v1/kv key", 414, "key_too_long", 8, () => f(`/v1/kv/${longKey}`)],
    ["HEAD /v1/kv key", 414, "", 8, () => f(`/v1/kv/${longKey}`, { method: "HEAD" })],
    ["DELETE /v1/kv key", 414, "key_too_long", 8, () => f(`/v1/kv/${longKey}`, { method: "DELETE" })],
    ["PATCH /v1/kv key", 414, "key_too_long", 8, () => f(`/v1/kv/${longKey}`, jsonInit("PATCH", { persist: true }))],
    ["POST incr key", 414, "key_too_long", 8, () => f(`/v1/kv/${longKey}/incr`, { method: "POST" })],
    ["GET /v1/kv list limit", 400, "invalid_limit", 5, () => f("/v1/kv?limit=6")],
    [
      "POST /v1/batch ops",
      413,
      "too_many_operations",
      3,
      () => f("/v1/batch", jsonInit("POST", { ops: [1, 2, 3, 4].map((n) => ({ op: "get", key: `k${n}` })) })),
    ],
    [
      "POST /v1/batch op key",
      400,
      "key_too_long",
      8,
      () =>
        f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "get", key: "ok" },
              { op: "get", key: longKey },
            ],
          }),
        ),
    ],
    [
      "POST /v1/batch op value",
      413,
      "value_too_large",
      64,
      () =>
        f(
          "/v1/batch",
          jsonInit("POST", {
            ops: [
              { op: "put", key: "ok", value: 1 },
              { op: "put", key: "k", value: bigValue },
            ],
          }),
        ),
    ],
    [
      "POST /v1/batch op metadata",
      413,
      "metadata_too_large",
      16,
      () =>
        f("/v1/batch", jsonInit("POST", { ops: [{ op: "put", key: "k", value: 1, metadata: { m: "0123456789" } }] })),
    ],
  ];

  it.each(CASES)("%s: %i %s naming the configured limit", async (_label, status, code, limit, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    if (code !== "") {
      const problem = await problemOf(res);
      expect(problem.code).toMatch(new RegExp(`^(${code})$`));
      expect(problem).toMatchObject({ limit });
    }
    expectNoStorageCall();
  });

  it("the same calls within the limits do reach the store (the spies see storage calls)", async () => {
    expect((await f("/set", jsonInit("POST", { key: "k8bytes!", value: "v".repeat(62) }))).status).toBe(200);
    expect((await put("/v1/kv/k", 1, { "KV-Metadata": '{"m":"012345"}' })).status).toBeLessThan(300);
    expect((await f("/v1/kv?limit=5")).status).toBe(200);
    expect(
      (await f("/v1/batch", jsonInit("POST", { ops: [1, 2, 3].map((n) => ({ op: "get", key: `k${n}` })) }))).status,
    ).toBe(200);
    const calls = storeCalls.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(calls).toBeGreaterThanOrEqual(4);
  });
});

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A 100 MB request body produced on demand, counting the bytes the server pulls. */
function hugeBody(total = 100 * MB): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
  cancelled: () => boolean;
} {
  let produced = 0;
  let cancelled = false;
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= total) {
          controller.close();
          return;
        }
        produced += CHUNK;
        controller.enqueue(chunk.slice());
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => produced, cancelled: () => cancelled };
}

describe("a 100 MB body is refused quickly without being buffered", () => {
  const huge: [string, string, string][] = [
    ["POST /set", "POST", "/set"],
    ["PUT /v1/kv/{key}", "PUT", "/v1/kv/huge"],
    ["POST /v1/batch", "POST", "/v1/batch"],
  ];
  const app: Fetch = appFetch({});

  it.each(huge)(
    "%s streamed without Content-Length: 413 after reading at most twice the limit",
    async (_label, method, path) => {
      const body = hugeBody();
      const started = Date.now();
      const res = await app(path, { method, headers: { "Content-Type": "application/json" }, body: body.stream });
      expect(res.status).toBe(413);
      expect(await problemOf(res)).toMatchObject({ code: "body_too_large" });
      // The largest body any route accepts is the 1 MiB value plus a 64 KiB envelope; a
      // refused body is read on (and thrown away) to twice that at most, then reading stops.
      expect(body.pulled()).toBeLessThanOrEqual(2 * (MB + 64 * 1024) + CHUNK);
      expect(body.cancelled()).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
    },
  );

  it("reads a streamed body over the limit but under twice it to its end, and names its size", async () => {
    // Answering before the end would leave bytes on the connection: workerd resets it and
    // wrangler dev's proxy fails the next request (docs/dev-server.md).
    const total = MB + 64 * 1024 + 10 * CHUNK;
    const body = hugeBody(total);
    const res = await app("/set", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body.stream,
    });
    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: "body_too_large", size: total });
    expect(body.pulled()).toBe(total);
    expect(body.cancelled()).toBe(false);
  });

  it.each(huge)(
    "%s with a declared Content-Length of 100 MB: 413 before reading a byte",
    async (_label, method, path) => {
      const body = hugeBody();
      const res = await app(path, {
        method,
        headers: { "Content-Type": "application/json", "Content-Length": String(100 * MB) },
        body: body.stream,
      });
      expect(res.status).toBe(413);
      expect(await problemOf(res)).toMatchObject({ code: "body_too_large", size: 100 * MB });
      expect(body.pulled()).toBe(0);
    },
  );

  it("without a valid token, refuses with 401 before reading a byte", async () => {
    const body = hugeBody();
    const guarded = withToken(appFetch({ KV_WRITE_TOKENS: TOKENS.write }), TOKENS.unknown);
    const res = await guarded("/set", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body.stream,
    });
    expect(res.status).toBe(401);
    expect(body.pulled()).toBe(0);
  });
});
