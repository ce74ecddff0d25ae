import { describe, expect, it } from "vitest";
import { SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// Point 12: Redis down is a 5xx {error}; the bridge recovers on its own.
const h = useBridge({ appendonly: true, appendfsync: "always" });

describe.skipIf(SKIP_WITHOUT_REDIS)("bridge when Redis stops and starts again", () => {
  it("answers 5xx {error} while Redis is down and heals once it is back, data kept", async () => {
    const redis = h.client();
    await redis.set("rec:k", "before");
    // Several pooled connections are now idle; all of them die with the server.
    await Promise.all(Array.from({ length: 8 }, () => redis.get("rec:k")));
    await h.redis.stop();

    const down = await h.post("/", ["get", "rec:k"]);
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(down.json).toEqual({ error: expect.stringContaining("unreachable") });
    const pipeline = await h.post("/pipeline", [["get", "rec:k"]]);
    expect(pipeline.status).toBeGreaterThanOrEqual(500);
    await expect(redis.get("rec:k")).rejects.toThrow(/unreachable/);

    await h.redis.start();
    expect(await redis.get("rec:k")).toBe("before");
    const again = await Promise.all(Array.from({ length: 8 }, (_, i) => redis.set(`rec:${i}`, String(i))));
    expect(again).toEqual(Array(8).fill("OK"));
  });

  it("fails the requests in flight when Redis dies under them, then serves new ones", async () => {
    const redis = h.client();
    // A script that keeps Redis busy for 5 s, killed well inside that window even on a loaded machine.
    const slow = h.post("/", [
      "eval",
      "local t = redis.call('TIME'); while true do local n = redis.call('TIME'); if n[1] - t[1] >= 5 then break end end return 1",
      0,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.redis.kill();
    const answer = await slow;
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.json).toHaveProperty("error");
    await h.redis.start();
    expect(await redis.get("rec:k")).toBe("before");
  });
});
