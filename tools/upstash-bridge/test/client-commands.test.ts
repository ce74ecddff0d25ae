import { describe, expect, it } from "vitest";
import { SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// The real @upstash/redis client against the bridge: every command the KV
// store uses, and strings that a lossy bridge would break.
const h = useBridge();

const AWKWARD_STRINGS = [
  "日本語 🙂 ключ",
  "",
  "OK",
  "QUEUED",
  "null",
  '"quoted"',
  "12345678901234567890",
  "line\r\nbreak $5\r\n*1\r\n:1\r\n-ERR",
  "nul\u0000byte",
  "base64 look-alike: T0s=",
];

describe.skipIf(SKIP_WITHOUT_REDIS)("bridge with the real @upstash/redis client", () => {
  it.each(AWKWARD_STRINGS.map((value, index) => [index, value]))(
    "round-trips awkward string #%i exactly, in base64 and plain mode",
    async (index, value) => {
      for (const base64 of [true, false]) {
        const redis = h.client({ base64 });
        const key = `c:${index}:${base64}:${value}`;
        expect(await redis.set(key, value)).toBe("OK");
        expect(await redis.get<string>(key)).toBe(value);
        expect(await redis.mget<string[]>(key, `${key}:missing`)).toEqual([value, null]);
      }
    },
  );

  it("keeps a JSON string '\"123\"' and a 20-digit number text as written", async () => {
    const redis = h.client();
    await redis.set("c:json-string", '"123"');
    await redis.set("c:digits", "12345678901234567890");
    expect(await redis.get("c:json-string")).toBe('"123"');
    expect(await redis.get("c:digits")).toBe("12345678901234567890");
  });

  it("runs SET with NX, XX, GET, EX, PX, EXAT, PXAT and KEEPTTL", async () => {
    const redis = h.client();
    expect(await redis.set("c:set", "1", { nx: true })).toBe("OK");
    expect(await redis.set("c:set", "2", { nx: true })).toBeNull();
    expect(await redis.set("c:set", "3", { xx: true, get: true })).toBe("1");
    expect(await redis.set("c:set-missing", "3", { xx: true })).toBeNull();
    await redis.set("c:set", "4", { ex: 100 });
    expect(await redis.ttl("c:set")).toBeGreaterThan(90);
    await redis.set("c:set", "5", { keepTtl: true });
    expect(await redis.ttl("c:set")).toBeGreaterThan(90);
    await redis.set("c:set", "6", { px: 50_000 });
    expect(await redis.pttl("c:set")).toBeGreaterThan(40_000);
    const inAMinute = Math.floor(Date.now() / 1000) + 60;
    await redis.set("c:set", "7", { exat: inAMinute });
    expect(await redis.ttl("c:set")).toBeGreaterThan(50);
    await redis.set("c:set", "8", { pxat: Date.now() + 30_000 });
    expect(await redis.pttl("c:set")).toBeGreaterThan(20_000);
    await redis.set("c:set", "9");
    expect(await redis.ttl("c:set")).toBe(-1);
  });

  it("runs DEL, EXISTS, EXPIRE, PERSIST, TTL and PTTL", async () => {
    const redis = h.client();
    await redis.set("c:a", "1");
    await redis.set("c:b", "1");
    expect(await redis.exists("c:a", "c:b", "c:none")).toBe(2);
    expect(await redis.expire("c:a", 100)).toBe(1);
    expect(await redis.ttl("c:a")).toBeGreaterThan(90);
    expect(await redis.persist("c:a")).toBe(1);
    expect(await redis.pttl("c:a")).toBe(-1);
    expect(await redis.ttl("c:none")).toBe(-2);
    expect(await redis.del("c:a", "c:b", "c:none")).toBe(2);
    expect(await redis.exists("c:a")).toBe(0);
  });

  it("runs INCRBY up to the 64-bit limit and INCRBYFLOAT with a fraction", async () => {
    const redis = h.client();
    expect(await redis.incrby("c:n", 5)).toBe(5);
    expect(await redis.incrby("c:n", -7)).toBe(-2);
    await redis.set("c:n", "9223372036854775806");
    await redis.incrby("c:n", 1);
    expect(await redis.get("c:n")).toBe("9223372036854775807");
    await expect(redis.incrby("c:n", 1)).rejects.toThrow("ERR increment or decrement would overflow");
    await redis.set("c:json", '"5"');
    await expect(redis.incrby("c:json", 1)).rejects.toThrow("ERR value is not an integer or out of range");
    // Raw mode (automatic deserialization off): the float reply stays text.
    expect(await redis.incrbyfloat("c:f", 0.5)).toBe("0.5");
    expect(await redis.incrbyfloat("c:f", 0.25)).toBe("0.75");
  });

  it("runs hashes, sorted sets with ZRANGE BYLEX LIMIT, SCAN, DBSIZE, TIME and FLUSHDB", async () => {
    const redis = h.client();
    await redis.hset("c:h", { version: "3", metadata: '{"a":1}' });
    // Raw mode: hash replies stay the flat arrays Redis sent.
    expect(await redis.hmget("c:h", "version", "metadata", "none")).toEqual(["3", '{"a":1}', null]);
    expect(await redis.hgetall("c:h")).toEqual(["version", "3", "metadata", '{"a":1}']);
    await redis.zadd(
      "c:z",
      { score: 0, member: "b" },
      { score: 0, member: "a" },
      { score: 0, member: "ab" },
      { score: 0, member: "🙂" },
    );
    expect(await redis.zrange("c:z", "[a", "+", { byLex: true, offset: 0, count: 2 })).toEqual(["a", "ab"]);
    expect(await redis.zrange("c:z", "(ab", "+", { byLex: true })).toEqual(["b", "🙂"]);
    expect(await redis.zrem("c:z", "a")).toBe(1);
    const seen = new Set<string>();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, { match: "c:*", count: 5 });
      for (const key of keys) seen.add(key);
      cursor = String(next);
    } while (cursor !== "0");
    expect(seen.has("c:h")).toBe(true);
    expect(seen.has("c:z")).toBe(true);
    const [seconds] = await redis.time();
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
    expect(await redis.dbsize()).toBeGreaterThan(1);
    expect(await redis.flushdb()).toBe("OK");
    expect(await redis.dbsize()).toBe(0);
  });

  it("runs EVAL, SCRIPT LOAD and EVALSHA with keys and arguments", async () => {
    const redis = h.client();
    const source = "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), 12345678901234}";
    expect(await redis.eval(source, ["c:script"], ["é"])).toEqual(["é", 12345678901234]);
    const sha = await redis.scriptLoad(source);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, ["c:script"], ["ü"])).toEqual(["ü", 12345678901234]);
  });

  it("fails a call when the token is wrong, with the bridge's error text", async () => {
    await expect(h.client({ token: "wrong" }).get("c:a")).rejects.toThrow("Unauthorized");
  });
});
