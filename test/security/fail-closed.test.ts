import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appFetch, type Fetch, jsonInit, problemOf } from "../support/http";
import { TOKEN_BINDINGS, TOKENS, withToken } from "./tokens";

/** Upstash settings pointing at a port where nothing listens: any storage call would fail. */
const DEAD_UPSTASH = {
  STORAGE_BACKEND: "upstash",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_TOKEN: "dummy-upstash-token",
} as const;

const NO_TOKENS = { KV_READ_TOKENS: "", KV_WRITE_TOKENS: "", KV_ADMIN_TOKENS: "" } as const;

const DATA_CALLS: [string, (f: Fetch) => Promise<Response>][] = [
  ["POST /set", (f) => f("/set", jsonInit("POST", { key: "fc", value: "v" }))],
  ["GET /get/{key}", (f) => f("/get/fc")],
  ["DELETE /delete/{key}", (f) => f("/delete/fc", { method: "DELETE" })],
  ["GET /exists/{key}", (f) => f("/exists/fc")],
  ["PUT /v1/kv/{key}", (f) => f("/v1/kv/fc", jsonInit("PUT", "v"))],
  ["GET /v1/kv/{key}", (f) => f("/v1/kv/fc")],
  ["DELETE /v1/kv/{key}", (f) => f("/v1/kv/fc", { method: "DELETE" })],
  ["PATCH /v1/kv/{key}", (f) => f("/v1/kv/fc", jsonInit("PATCH", { persist: true }))],
  ["POST /v1/kv/{key}/incr", (f) => f("/v1/kv/fc/incr", { method: "POST" })],
  ["GET /v1/kv", (f) => f("/v1/kv")],
  ["POST /v1/batch", (f) => f("/v1/batch", jsonInit("POST", { ops: [{ op: "put", key: "fc", value: 1 }] }))],
  ["POST /v1/admin/reindex", (f) => f("/v1/admin/reindex", { method: "POST" })],
];

let fetchSpy: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  fetchSpy = vi.spyOn(globalThis, "fetch");
});

afterEach(() => {
  fetchSpy.mockRestore();
});

describe("fail closed: upstash backend without any token", () => {
  const f = appFetch({ ...DEAD_UPSTASH, ...NO_TOKENS, KV_ALLOW_ANONYMOUS: "false" });

  it.each(DATA_CALLS)("%s answers 503 auth_not_configured before any storage call", async (_name, call) => {
    const res = await call(withToken(f, TOKENS.admin));
    expect(res.status).toBe(503);
    const problem = await problemOf(res);
    expect(problem.code).toBe("auth_not_configured");
    expect(problem.detail).toContain("KV_ALLOW_ANONYMOUS");
    expect(problem.detail).toContain("wrangler secret put");
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("treats a setting of only commas and spaces as no token", async () => {
    const g = appFetch({ ...DEAD_UPSTASH, KV_READ_TOKENS: " , ", KV_WRITE_TOKENS: ",", KV_ADMIN_TOKENS: "" });
    expect(await problemOf(await g("/get/fc"))).toMatchObject({ code: "auth_not_configured" });
  });

  it.each([
    ["1", false],
    ["yes", false],
    ["false", false],
    [" TRUE ", true],
  ])("KV_ALLOW_ANONYMOUS=%j opens it: %s", async (value, opens) => {
    const g = appFetch({ ...DEAD_UPSTASH, ...NO_TOKENS, KV_ALLOW_ANONYMOUS: value });
    const code = (await problemOf(await g("/get/fc"))).code;
    if (opens) expect(code).not.toBe("auth_not_configured");
    else expect(code).toBe("auth_not_configured");
  });

  it("the older services' STORAGE_TYPE=redis (with STORAGE_BACKEND empty) is the upstash backend, and closed too", async () => {
    const g = appFetch({ ...DEAD_UPSTASH, STORAGE_BACKEND: "", STORAGE_TYPE: "redis", ...NO_TOKENS });
    expect(await problemOf(await g("/exists/fc"))).toMatchObject({ code: "auth_not_configured" });
  });

  it("keeps GET / open", async () => {
    const res = await f("/");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ message: "KV Service is running", backend: "upstash" });
  });
});

describe("anonymous access allowed explicitly", () => {
  it("passes auth with KV_ALLOW_ANONYMOUS=true on the upstash backend (the store answers)", async () => {
    const f = appFetch({ ...DEAD_UPSTASH, ...NO_TOKENS, KV_ALLOW_ANONYMOUS: "true" });
    const res = await f("/get/fc");
    expect([401, 403]).not.toContain(res.status);
    expect((await problemOf(res)).code).not.toBe("auth_not_configured");
  });

  it("is the default on the memory backend without tokens", async () => {
    const f = appFetch({ STORAGE_BACKEND: "memory", ...NO_TOKENS });
    const key = `anon-${crypto.randomUUID()}`;
    expect((await f("/set", jsonInit("POST", { key, value: 1 }))).status).toBe(200);
    expect(await (await f(`/get/${key}`)).json()).toEqual({ value: 1 });
  });
});

describe("configured tokens always apply", () => {
  it("the memory backend with tokens refuses a request without one", async () => {
    const f = appFetch({ STORAGE_BACKEND: "memory", ...TOKEN_BINDINGS });
    expect((await f("/get/x")).status).toBe(401);
  });

  it("KV_ALLOW_ANONYMOUS=true does not open a service that has tokens", async () => {
    const f = appFetch({ STORAGE_BACKEND: "memory", ...TOKEN_BINDINGS, KV_ALLOW_ANONYMOUS: "true" });
    expect((await f("/get/x")).status).toBe(401);
  });

  it.each(DATA_CALLS)("upstash with tokens: %s without a token is 401 before any storage call", async (_name, call) => {
    const f = appFetch({ ...DEAD_UPSTASH, ...TOKEN_BINDINGS });
    const res = await call(f);
    expect(res.status).toBe(401);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("a malformed token setting closes the data routes", () => {
  const secret = "short-secret";
  const f = appFetch({
    STORAGE_BACKEND: "memory",
    KV_READ_TOKENS: TOKENS.read,
    KV_WRITE_TOKENS: `${TOKENS.write},${secret}`,
  });

  it("answers 503 misconfigured naming the setting, never the token", async () => {
    for (const token of [TOKENS.write, undefined]) {
      const res = await withToken(f, token)("/set", jsonInit("POST", { key: "mal", value: 1 }));
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ code: "misconfigured", setting: "KV_WRITE_TOKENS" });
      expect(text).not.toContain(secret);
      expect(text).not.toContain(TOKENS.write);
    }
  });

  it("keeps GET / open", async () => {
    expect((await f("/")).status).toBe(200);
  });
});
