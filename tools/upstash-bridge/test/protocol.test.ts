import { describe, expect, it } from "vitest";
import { startBridge } from "../server";
import { fromBase64, SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// The HTTP surface of UPSTASH_REST.md, point by point, with raw requests.
const h = useBridge();

describe.skipIf(SKIP_WITHOUT_REDIS)("bridge HTTP protocol", () => {
  it("answers GET / without a token, so scripts can wait for it", async () => {
    const res = await fetch(`${h.bridge.url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: "edge-kv upstash bridge" });
    expect((await fetch(`${h.bridge.url}/`, { method: "HEAD" })).status).toBe(200);
  });

  it("answers a single command with {result}, keeping the key for a nil reply (points 1, 6)", async () => {
    expect((await h.post("/", ["set", "p:a", "1"])).json).toEqual({ result: base64Of("OK") });
    const missing = await h.post("/", ["get", "p:missing"]);
    expect(missing.status).toBe(200);
    expect(missing.text).toBe('{"result":null}');
  });

  it("refuses a missing or wrong token with 401 {error:'Unauthorized'} (point 5)", async () => {
    for (const token of [null, "wrong", ""]) {
      const res = await h.post("/", ["get", "p:a"], { token });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: "Unauthorized" });
    }
    const pipeline = await h.post("/pipeline", [["get", "p:a"]], { token: "wrong" });
    expect(pipeline.status).toBe(401);
  });

  it("turns numbers and booleans into decimal text and refuses null (point 3)", async () => {
    await h.post("/", ["set", "p:num", 0.5]);
    expect(fromBase64(getResult(await h.post("/", ["get", "p:num"]))).toString()).toBe("0.5");
    await h.post("/", ["set", "p:bool", true]);
    expect(fromBase64(getResult(await h.post("/", ["get", "p:bool"]))).toString()).toBe("true");
    const refused = await h.post("/", ["set", "p:null", null]);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: expect.stringContaining("null") });
    expect((await h.post("/", ["get", "p:null"])).text).toBe('{"result":null}');
  });

  it("keeps integers past 2^53 exact, in arguments and in replies (point 16)", async () => {
    await h.post("/", '["set","p:big",9223372036854775806]');
    const incremented = await h.post("/", ["incrby", "p:big", 1]);
    expect(incremented.text).toBe('{"result":9223372036854775807}');
    const overflow = await h.post("/", ["incrby", "p:big", 1]);
    expect(overflow.status).toBe(400);
    expect(overflow.json).toEqual({ error: "ERR increment or decrement would overflow" });
  });

  it("passes Redis errors through verbatim as 400 {error} (point 7)", async () => {
    const noscript = await h.post("/", ["evalsha", "0123456789012345678901234567890123456789", 0]);
    expect(noscript.status).toBe(400);
    expect(noscript.json).toEqual({ error: "NOSCRIPT No matching script. Please use EVAL." });
    await h.post("/", ["hset", "p:hash", "f", "v"]);
    const wrongType = await h.post("/", ["get", "p:hash"]);
    expect(wrongType.json).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
  });

  it("base64-encodes every string reply at every depth, status replies included, never errors (point 13)", async () => {
    const nested = await h.post("/", [
      "eval",
      "return {'OK', {redis.status_reply('PONG'), 7, false}, string.char(0, 255)}",
      0,
    ]);
    const [ok, [pong, seven, nil], bytes] = getResult(nested) as [string, [string, number, null], string];
    expect(fromBase64(ok).toString()).toBe("OK");
    expect(fromBase64(pong).toString()).toBe("PONG");
    expect(seven).toBe(7);
    expect(nil).toBeNull();
    expect([...fromBase64(bytes)]).toEqual([0, 255]);
    const error = await h.post("/", ["incr", "p:hash"]);
    expect(error.json).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
  });

  it("answers plain UTF-8 strings without the encoding header (point 15)", async () => {
    await h.post("/", ["set", "p:text", "héllo 🙂"]);
    expect((await h.post("/", ["get", "p:text"], { base64: false })).json).toEqual({ result: "héllo 🙂" });
    expect((await h.post("/", ["set", "p:text", "x"], { base64: false })).json).toEqual({ result: "OK" });
  });

  it("answers HGETALL as a flat array, never an object (point 14)", async () => {
    await h.post("/", ["hset", "p:flat", "a", "1", "b", "2"]);
    expect((await h.post("/", ["hgetall", "p:flat"], { base64: false })).json).toEqual({
      result: ["a", "1", "b", "2"],
    });
  });

  it("sends a changing upstash-sync-token header on every response (point 11)", async () => {
    const seen = new Set<string | null>();
    seen.add((await h.post("/", ["ping"])).headers.get("upstash-sync-token"));
    seen.add((await h.post("/", ["ping"], { token: "wrong" })).headers.get("upstash-sync-token"));
    seen.add((await fetch(`${h.bridge.url}/nowhere`)).headers.get("upstash-sync-token"));
    expect(seen.size).toBe(3);
    expect(seen.has(null)).toBe(false);
  });

  it("answers 405 to other methods and 404 {error} to unknown paths (point 10)", async () => {
    for (const method of ["DELETE", "PATCH", "OPTIONS"]) {
      const res = await fetch(`${h.bridge.url}/`, { method, headers: { Authorization: `Bearer ${h.token}` } });
      expect(res.status).toBe(405);
      expect(await res.json()).toHaveProperty("error");
    }
    const unknown = await h.post("/nowhere", ["ping"]);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toHaveProperty("error");
  });

  it("accepts PUT like POST", async () => {
    const res = await fetch(`${h.bridge.url}/`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${h.token}` },
      body: JSON.stringify(["echo", "put"]),
    });
    expect(await res.json()).toEqual({ result: "put" });
  });

  it("answers malformed bodies with 400 {error}", async () => {
    for (const body of ["not json", "{}", "[]", '["get"', '[["get","a"]]']) {
      const res = await h.post("/", body);
      expect(res.status, body).toBe(400);
      expect(res.json, body).toHaveProperty("error");
    }
    expect((await h.post("/pipeline", '["get","a"]')).status).toBe(400);
  });

  it("serves the endpoints under a base path when given one (point 1)", async () => {
    const prefixed = await startBridge({ port: 0, redisUrl: h.redis.url, token: h.token, basePath: "/redis/" });
    try {
      expect(prefixed.url.endsWith("/redis")).toBe(true);
      const headers = { Authorization: `Bearer ${h.token}` };
      const single = await fetch(prefixed.url, { method: "POST", headers, body: '["echo","x"]' });
      expect(await single.json()).toEqual({ result: "x" });
      const pipeline = await fetch(`${prefixed.url}/pipeline`, { method: "POST", headers, body: '[["echo","y"]]' });
      expect(await pipeline.json()).toEqual([{ result: "y" }]);
    } finally {
      await prefixed.close();
    }
  });
});

function getResult(answer: { json: unknown }): unknown {
  if (typeof answer.json !== "object" || answer.json === null || !("result" in answer.json)) {
    throw new Error(`no result in ${JSON.stringify(answer.json)}`);
  }
  return answer.json.result;
}

function base64Of(text: string): string {
  return Buffer.from(text).toString("base64");
}
