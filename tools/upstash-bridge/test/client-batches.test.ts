import { describe, expect, it } from "vitest";
import { SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// Pipelines, transactions and scripts through the real client.
const h = useBridge();

describe.skipIf(SKIP_WITHOUT_REDIS)("bridge batches and scripts with the real client", () => {
  it("answers a pipeline in order, one result or error per command (point 8)", async () => {
    const redis = h.client();
    await redis.hset("b:hash", { f: "v" });
    const results = await redis
      .pipeline()
      .set("b:a", "1")
      .incr("b:hash")
      .get("b:a")
      .get("b:missing")
      .exec({ keepErrors: true });
    expect(results).toEqual([
      { result: "OK", error: undefined },
      { result: undefined, error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
      { result: "1", error: undefined },
      { result: null, error: undefined },
    ]);
  });

  it("runs a transaction atomically, a runtime error becoming that item's error (point 9)", async () => {
    const redis = h.client();
    await redis.hset("b:tx-hash", { f: "v" });
    const results = await redis.multi().set("b:tx", "1").incr("b:tx-hash").incr("b:tx").exec({ keepErrors: true });
    expect(results.map((r) => r.error ?? r.result)).toEqual([
      "OK",
      "WRONGTYPE Operation against a key holding the wrong kind of value",
      2,
    ]);
  });

  it("answers a transaction Redis discards with one 400 error, and applies none of it (point 9)", async () => {
    const discarded = await h.post("/multi-exec", [
      ["set", "b:discarded", "1"],
      ["set", "b:discarded"],
    ]);
    expect(discarded.status).toBe(400);
    expect(discarded.json).toEqual({ error: expect.stringMatching(/^EXECABORT .*wrong number of arguments/) });
    const redis = h.client();
    expect(await redis.get("b:discarded")).toBeNull();
    // MSET without pairs fails at queue time: the client gets an error, not a crash.
    await expect(redis.multi().set("b:discarded", "1").mset({}).exec()).rejects.toThrow(/EXECABORT/);
    expect(await redis.get("b:discarded")).toBeNull();
  });

  it("never interleaves 50 parallel transactions", async () => {
    const redis = h.client();
    const rounds = Array.from({ length: 50 }, (_, i) => i);
    const results = await Promise.all(
      rounds.map((i) =>
        redis
          .multi()
          .rpush("b:log", `${i}:start`)
          .set(`b:own:${i}`, String(i))
          .incr("b:counter")
          .get(`b:own:${i}`)
          .rpush("b:log", `${i}:end`)
          .exec(),
      ),
    );
    for (const [i, result] of results.entries()) expect(result[3]).toBe(String(i));
    const counters = results.map((result) => result[2] as number).sort((a, b) => a - b);
    expect(counters).toEqual(rounds.map((i) => i + 1));
    const log = await redis.lrange("b:log", 0, -1);
    expect(log).toHaveLength(100);
    for (let at = 0; at < log.length; at += 2) {
      const id = log[at]?.split(":")[0];
      expect([log[at], log[at + 1]]).toEqual([`${id}:start`, `${id}:end`]);
    }
  });

  it("falls back from EVALSHA to EVAL on NOSCRIPT with the client's script helper", async () => {
    const redis = h.client();
    await redis.scriptFlush();
    const script = redis.createScript<[string, number]>(
      "return {redis.call('SET', KEYS[1], ARGV[1]), redis.call('STRLEN', KEYS[1])}",
    );
    expect(await script.exec(["b:script"], ["héllo"])).toEqual(["OK", 6]);
    const [loaded] = await redis.scriptExists(script.sha1);
    expect(loaded).toBe(1);
    expect(await script.exec(["b:script"], ["x"])).toEqual(["OK", 1]);
    await redis.scriptFlush();
    expect(await script.exec(["b:script"], ["again"])).toEqual(["OK", 5]);
  });
});
