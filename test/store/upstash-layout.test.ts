import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RESERVED_KEY_PREFIX } from "../../src/rules/keys";
import type { PutInput } from "../../src/store/types";
import type { SingleOpStore } from "../support/store";
import { openUpstashTestStore, rawRedis, sharedBridge, uniquePrefix, upstashContext } from "../support/upstash";

// What the Upstash backend leaves in Redis, and what it reads that other
// clients (the older services, redis-cli) wrote there. The raw client writes
// and reads Redis directly, bypassing the store.
const { bridge, skipReason } = upstashContext();
if (bridge === null) console.warn(`upstash layout tests skipped: ${skipReason}`);

const always = { kind: "always" } as const;

function plain(json: string): PutInput {
  return { json, expiry: { kind: "none" }, metadata: null, condition: always };
}

describe.skipIf(bridge === null)("upstash backend: Redis data layout", () => {
  let prefix: string;
  let store: SingleOpStore;
  beforeEach(() => {
    prefix = uniquePrefix("layout");
    store = openUpstashTestStore(sharedBridge(), prefix);
  });
  const raw = () => rawRedis(sharedBridge());

  it("stores the value at {prefix}{key} as JSON text, as the older services did, with the TTL as a Redis expiry", async () => {
    await store.put("greeting", { ...plain('"hello"'), expiry: { kind: "at", at: Date.now() + 60_000 } });
    await store.put("object", plain('{"a":[1,2]}'));
    expect(await raw().get(`${prefix}greeting`)).toBe('"hello"');
    expect(await raw().get(`${prefix}object`)).toBe('{"a":[1,2]}');
    const ttl = await raw().ttl(`${prefix}greeting`);
    expect(ttl).toBeGreaterThanOrEqual(58);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await raw().pttl(`${prefix}greeting`)).toBeGreaterThan(58_000);
    expect(await raw().ttl(`${prefix}object`)).toBe(-1);
  });

  it("sets Redis's expire time 1 ms before the deadline: Redis keeps a key through its expire time", async () => {
    // Measured on redis-server 7.0: after PEXPIREAT t, the key exists with PTTL 0 while the clock
    // reads t and is gone from t + 1. Expire time = deadline - 1 makes the key gone at its deadline,
    // as on the Map backend (memory.test.ts, "at the expiry instant").
    const deadline = Date.now() + 60_000;
    await store.put("instant", { ...plain("1"), expiry: { kind: "at", at: deadline } });
    const expireTime = await raw().eval("return redis.call('PEXPIRETIME', KEYS[1])", [`${prefix}instant`], []);
    expect(expireTime).toBe(deadline - 1);
    expect((await store.get("instant"))?.expiresAt).toBe(deadline);
  });

  it("keeps version and metadata in a meta hash that expires with the value", async () => {
    const put = await store.put("k", {
      json: "1",
      expiry: { kind: "at", at: Date.now() + 30_000 },
      metadata: '{"m":1}',
      condition: always,
    });
    if (put.status === "conflict") throw new Error("unexpected conflict");
    const metaKey = `${prefix}${RESERVED_KEY_PREFIX}meta:k`;
    expect(await raw().hget(metaKey, "version")).toBe(String(put.version));
    expect(await raw().hget(metaKey, "metadata")).toBe('{"m":1}');
    const [valueTtl, metaTtl] = [await raw().pttl(`${prefix}k`), await raw().pttl(metaKey)];
    expect(Math.abs(valueTtl - metaTtl)).toBeLessThan(100);
    expect(await raw().get(`${prefix}${RESERVED_KEY_PREFIX}revision`)).toBe(String(put.version));
  });

  it("reads data written directly to Redis: JSON as JSON, a plain string as that string, version 0", async () => {
    await raw().set(`${prefix}plain`, "hello");
    await raw().set(`${prefix}json-string`, '"123"');
    await raw().set(`${prefix}big`, "12345678901234567890");
    await raw().set(`${prefix}object`, '{"from":"python"}');
    await raw().set(`${prefix}expiring`, "5", { ex: 100 });
    expect(await store.getJson("plain")).toBe('"hello"');
    expect(await store.get("plain")).toEqual({ json: '"hello"', version: 0, expiresAt: null, metadata: null });
    expect(await store.getJson("json-string")).toBe('"123"');
    expect(await store.getJson("big")).toBe("12345678901234567890");
    expect((await store.get("object"))?.json).toBe('{"from":"python"}');
    const expiring = await store.get("expiring");
    expect(expiring?.expiresAt).toBeGreaterThan(Date.now() + 95_000);
    expect(expiring?.expiresAt).toBeLessThan(Date.now() + 102_000);
    expect(await store.exists("plain")).toBe(true);
  });

  it("updates data written directly: counters, conditional writes at version 0, deletes", async () => {
    await raw().set(`${prefix}count`, "41", { ex: 100 });
    expect(await store.incr("count", { by: 1, expiryOnCreate: { kind: "none" } })).toMatchObject({
      status: "ok",
      value: "42",
    });
    expect(await raw().ttl(`${prefix}count`)).toBeGreaterThan(90);
    await raw().set(`${prefix}word`, "hello");
    expect(await store.incr("word", { by: 1, expiryOnCreate: { kind: "none" } })).toEqual({ status: "not_integer" });
    const replaced = await store.put("word", { ...plain('"bye"'), condition: { kind: "version", version: 0 } });
    expect(replaced.status).toBe("replaced");
    await raw().set(`${prefix}gone`, "x");
    expect(await store.delete("gone", always)).toEqual({ status: "deleted", version: expect.any(Number) });
    expect(await raw().exists(`${prefix}gone`)).toBe(0);
  });

  it("reindexes keys written directly so that the listing shows them, internal keys excluded", async () => {
    await store.put("b", plain("1"));
    for (const key of ["a", "c", "ключ"]) await raw().set(`${prefix}${key}`, "1");
    await raw().hset(`${prefix}a-hash`, { f: "v" });
    await raw().set(`other:${prefix}x`, "1");
    const before = await store.list({ prefix: "", after: null, limit: 10 });
    expect(before.entries.map((e) => e.key)).toEqual(["b"]);
    expect(await store.reindex()).toBe(3);
    const after = await store.list({ prefix: "", after: null, limit: 10 });
    expect(after.entries.map((e) => e.key)).toEqual(["a", "b", "c", "ключ"]);
    expect(after.entries[0]).toEqual({ key: "a", version: 0, expiresAt: null, metadata: null });
    expect(await store.reindex()).toBe(0);
  });

  it("drops index members whose value another client deleted, while listing", async () => {
    for (const key of ["x1", "x2", "x3"]) await store.put(key, plain("1"));
    await raw().del(`${prefix}x2`);
    const page = await store.list({ prefix: "x", after: null, limit: 10 });
    expect(page).toMatchObject({ complete: true, entries: [{ key: "x1" }, { key: "x3" }] });
    const index = `${prefix}${RESERVED_KEY_PREFIX}index`;
    expect(await raw().zrange(index, 0, -1)).toEqual(["x1", "x3"]);
  });
});

describe.skipIf(bridge === null)("upstash backend: one round trip per call", () => {
  let fetchSpy: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, "fetch");
  });
  afterEach(() => {
    fetchSpy.mockRestore();
  });

  async function requestsMadeBy(call: () => Promise<unknown>): Promise<number> {
    fetchSpy.mockClear();
    await call();
    return fetchSpy.mock.calls.length;
  }

  it("makes exactly one HTTP request per store call and per batch once scripts are loaded", async () => {
    const store = openUpstashTestStore(sharedBridge(), uniquePrefix("trips"));
    // Warm up: each script's first run may take EVALSHA, NOSCRIPT, then EVAL.
    await store.put("warm", plain("1"));
    await store.list({ prefix: "", after: null, limit: 1 });
    const calls: [string, () => Promise<unknown>][] = [
      ["put", () => store.put("k", plain("1"))],
      ["put if absent", () => store.put("n", { ...plain("1"), condition: { kind: "absent" } })],
      ["get", () => store.get("k")],
      ["getJson", () => store.getJson("k")],
      ["exists", () => store.exists("k")],
      ["expire", () => store.expire("k", { kind: "at", at: Date.now() + 60_000 }, always)],
      ["incr", () => store.incr("c", { by: 1, expiryOnCreate: { kind: "none" } })],
      ["list", () => store.list({ prefix: "", after: null, limit: 100 })],
      ["delete", () => store.delete("k", always)],
      [
        "batch of 50",
        () =>
          store.batch(
            Array.from({ length: 50 }, (_, i) => ({ op: "put" as const, key: `b${i}`, input: plain(String(i)) })),
          ),
      ],
    ];
    for (const [name, call] of calls) expect(await requestsMadeBy(call), name).toBe(1);
  });
});
