import { describe, expect, it } from "vitest";
import { startBridge } from "../server";
import { SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// Bodies a hostile or broken client could send. Each must get a 4xx with a JSON
// {error} body (UPSTASH_REST.md point 7), never a 500, and leave the bridge serving.
const h = useBridge();
const ENDPOINTS = ["/", "/pipeline", "/multi-exec"];
const DEPTH = 100_000;

async function expectRefused(path: string, body: string, error: RegExp): Promise<void> {
  const answer = await h.post(path, body, { base64: false });
  expect(answer.status, `${path} ${body.slice(0, 40)}`).toBe(400);
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  expect(answer.json).toEqual({ error: expect.stringMatching(error) });
}

describe.skipIf(SKIP_WITHOUT_REDIS)("hostile request bodies", () => {
  it.each(ENDPOINTS)("refuses 100,000 nested '[' on %s with 400, not 500", async (path) => {
    await expectRefused(path, "[".repeat(DEPTH), /nested deeper than \d+ levels/);
  });

  it.each(ENDPOINTS)("refuses 100,000 nested arrays, closed, on %s", async (path) => {
    await expectRefused(path, "[".repeat(DEPTH) + "]".repeat(DEPTH), /nested deeper than \d+ levels/);
  });

  it.each(ENDPOINTS)("refuses 100,000 nested objects on %s", async (path) => {
    await expectRefused(path, `${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}`, /nested deeper than \d+ levels/);
  });

  it("refuses a command nested just past two levels with the reason, not the depth limit", async () => {
    await expectRefused("/", '["set","k",["v"]]', /argument 2 is an array/);
    await expectRefused("/pipeline", '[["set","k",{"v":1}]]', /argument 2 is an object/);
  });

  it("refuses a number that has no finite value instead of sending 'Infinity' to Redis", async () => {
    await expectRefused("/", '["set","h:inf",1e400]', /argument 2 .*1e400.* not a finite number/);
    await expectRefused("/pipeline", '[["incrbyfloat","h:inf",-1e999]]', /not a finite number/);
    await expectRefused("/multi-exec", '[["set","h:inf",1E+309]]', /not a finite number/);
    expect((await h.post("/", ["exists", "h:inf"], { base64: false })).json).toEqual({ result: 0 });
  });

  it("passes an integer of 100,000 digits through exactly (Redis decides what it means)", async () => {
    const digits = `9${"0".repeat(99_999)}`;
    expect((await h.post("/", `["set","h:digits",${digits}]`, { base64: false })).json).toEqual({ result: "OK" });
    expect((await h.post("/", ["get", "h:digits"], { base64: false })).json).toEqual({ result: digits });
    const incr = await h.post("/", `["incrby","h:digits",${digits}]`, { base64: false });
    expect(incr.status).toBe(400);
    expect(incr.json).toEqual({ error: "ERR value is not an integer or out of range" });
  });

  it("refuses bodies that are not a command, or items of a batch that are not commands", async () => {
    for (const body of ['{"cmd":"get"}', '"get"', "42", "null", "true", "[]", "[[]]"]) {
      await expectRefused("/", body, /^ERR /);
    }
    for (const path of ["/pipeline", "/multi-exec"]) {
      for (const item of ["1", '"get"', "null", "{}", "[]", "true"]) {
        await expectRefused(path, `[["ping"],${item}]`, /^ERR /);
      }
    }
  });

  it("refuses a body over the size limit with 413 {error}", async () => {
    const small = await startBridge({ port: 0, redisUrl: h.redis.url, token: h.token, maxBodyBytes: 1024 });
    try {
      const answer = await fetch(small.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${h.token}` },
        body: JSON.stringify(["set", "h:big", "x".repeat(2048)]),
      });
      expect(answer.status).toBe(413);
      expect(await answer.json()).toEqual({ error: expect.stringContaining("1024 bytes") });
    } finally {
      await small.close();
    }
  });

  it("answers a script reply nested as deep as Redis allows (about 8,000 levels), not 503", async () => {
    const depth = 7_000;
    const script = `local t={} local c=t for i=1,${depth} do local n={} c[1]=n c=n end return t`;
    const answer = await h.post("/", ["eval", script, 0], { base64: false });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(`{"result":${"[".repeat(depth + 1)}${"]".repeat(depth + 1)}}`);
  });

  it("keeps serving after every hostile body above", async () => {
    expect((await h.post("/", ["echo", "still here"], { base64: false })).json).toEqual({ result: "still here" });
    expect((await h.post("/pipeline", [["echo", "a"]], { base64: false })).json).toEqual([{ result: "a" }]);
  });
});
