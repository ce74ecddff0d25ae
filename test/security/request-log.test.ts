import { afterEach, assert, beforeEach, describe, expect, it, vi } from "vitest";
import type { RequestLogLine } from "../../src/http/frame";
import { appFetch, jsonInit } from "../support/http";
import { TOKENS, tokenApp, withToken } from "./tokens";

// KV_LOG_REQUESTS=all: a line for every request (the default logs only notable ones, below).
const app = tokenApp({ KV_LOG_REQUESTS: "all" });
const writer = withToken(app, TOKENS.write);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let logged: string[];
let logSpy: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  logged = [];
  logSpy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
  });
});

afterEach(() => {
  logSpy.mockRestore();
});

function lines(): RequestLogLine[] {
  return logged.map((line) => JSON.parse(line) as RequestLogLine);
}

describe("with KV_LOG_REQUESTS=all, one structured log line per request", () => {
  it("names the request id, method, route pattern, status, duration and backend", async () => {
    const res = await writer("/v1/kv/log%2Fkey", jsonInit("PUT", 1));
    expect(logged).toHaveLength(1);
    const [line] = lines();
    expect(line).toEqual({
      msg: "request",
      level: "info",
      requestId: res.headers.get("x-request-id"),
      method: "PUT",
      route: "/v1/kv/:key{[\\s\\S]+}",
      status: res.status,
      durationMs: expect.any(Number),
      backend: "memory",
    });
    expect(line?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["GET /get/{key}", "/get/a%2Fb", "GET", "/get/:key{[\\s\\S]+}"],
    ["POST /v1/kv/{key}/incr", "/v1/kv/c/incr", "POST", "/v1/kv/:key{[\\s\\S]+}/incr"],
    ["GET /", "/", "GET", "/"],
    ["an unknown route", "/nowhere/at/all", "GET", null],
  ])("logs the pattern of %s, never the path", async (_label, path, method, route) => {
    await writer(path, { method });
    expect(lines()).toMatchObject([{ method, route }]);
  });

  it("logs refused and failed requests with their status and a warn or error level", async () => {
    await app("/get/x");
    await withToken(app, TOKENS.read)("/set", jsonInit("POST", { key: "x", value: 1 }));
    await appFetch({ KV_MAX_KEY_BYTES: "nope", KV_LOG_REQUESTS: "all" })("/get/x");
    expect(lines().map((line) => [line.status, line.level, line.backend, line.code])).toEqual([
      [401, "warn", "memory", "unauthorized"],
      [403, "warn", "memory", "forbidden"],
      [503, "error", "memory", "misconfigured"],
    ]);
  });

  it("never logs a token, a key, a value or a header", async () => {
    const key = `secret-key-${crypto.randomUUID()}`;
    const value = `secret-value-${crypto.randomUUID()}`;
    const meta = `secret-meta-${crypto.randomUUID()}`;
    const send = [
      () => writer("/set", jsonInit("POST", { key, value })),
      () => writer(`/get/${key}`),
      () =>
        writer(`/v1/kv/${key}`, {
          ...jsonInit("PUT", value),
          headers: { "Content-Type": "application/json", "KV-Metadata": JSON.stringify({ meta }) },
        }),
      () => writer(`/v1/kv/${key}`),
      () => writer("/v1/batch", jsonInit("POST", { ops: [{ op: "put", key, value }] })),
      () => withToken(app, TOKENS.unknown)(`/get/${key}`),
      () => withToken(app, TOKENS.read)("/set", jsonInit("POST", { key, value })),
      () => writer(`/v1/kv?prefix=${key}`),
    ];
    for (const call of send) await call();
    expect(logged).toHaveLength(send.length);
    for (const line of logged) {
      for (const secret of [key, value, meta, ...Object.values(TOKENS), "Bearer"]) expect(line).not.toContain(secret);
    }
  });
});

describe("X-Request-Id", () => {
  it.each(["abc-123", "A.b_c-9", "x".repeat(128), "0f8fad5b-d9cb-469f-a165-70867728950e"])(
    "echoes the well-formed id %j and logs it",
    async (id) => {
      const res = await writer("/get/rid", { headers: { "X-Request-Id": id } });
      expect(res.headers.get("x-request-id")).toBe(id);
      expect(lines()[0]?.requestId).toBe(id);
    },
  );

  it.each([
    ["too long", "x".repeat(129)],
    ["with a space", "a b"],
    ["with a quote", 'a"b'],
    ["with a colon", "a:b"],
    ["with a slash", "a/b"],
    ["empty", ""],
  ])("replaces an id %s with a fresh UUID", async (_label, id) => {
    const res = await app("/", { headers: { "X-Request-Id": id } });
    const answered = res.headers.get("x-request-id");
    assert.isNotNull(answered, "every answer has an X-Request-Id");
    expect(answered).toMatch(UUID);
    expect(lines()[0]?.requestId).toBe(answered);
  });

  it("gives a fresh UUID per request when none is sent", async () => {
    const a = (await app("/")).headers.get("x-request-id");
    const b = (await app("/get/k")).headers.get("x-request-id");
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });
});

describe("by default (KV_LOG_REQUESTS=notable), lines only for what Workers Logs cannot tell", () => {
  const quiet = tokenApp();
  const quietWriter = withToken(quiet, TOKENS.write);

  it("writes nothing for successes, 404s and bad input", async () => {
    await quietWriter("/set", jsonInit("POST", { key: "quiet", value: 1 }));
    await quietWriter("/get/quiet");
    await quietWriter(`/get/${crypto.randomUUID()}`);
    await quietWriter("/set", jsonInit("POST", { key: "", value: 1 }));
    await quiet("/");
    expect(logged).toEqual([]);
  });

  it("logs a 401 and a 403 with the scope the token lacked, never the token", async () => {
    await quiet("/get/x");
    await withToken(quiet, TOKENS.read)("/set", jsonInit("POST", { key: "x", value: 1 }));
    expect(lines()).toMatchObject([
      { status: 401, code: "unauthorized", level: "warn" },
      { status: 403, code: "forbidden", scope: "write", level: "warn" },
    ]);
    for (const line of logged) expect(line).not.toContain(TOKENS.read);
  });

  it("logs a 413 and a 503 with its cause", async () => {
    await appFetch({ KV_MAX_KEY_BYTES: "nope" })("/get/x");
    const small = withToken(tokenApp({ KV_MAX_VALUE_BYTES: "100" }), TOKENS.write);
    await small("/set", jsonInit("POST", { key: "big", value: "x".repeat(200) }));
    expect(lines().map((line) => [line.status, line.code])).toEqual([
      [503, "misconfigured"],
      [413, "value_too_large"],
    ]);
    const failure = lines().find((line) => line.status === 503);
    expect(failure?.cause).toContain("KV_MAX_KEY_BYTES");
  });
});
