import { describe, expect, it } from "vitest";
import { SKIP_WITHOUT_REDIS, useBridge } from "./harness";

// Point 18: what would break a shared connection is refused before Redis sees it.
const h = useBridge();

const REFUSED_COMMANDS: unknown[][] = [
  ["subscribe", "ch"],
  ["psubscribe", "ch*"],
  ["monitor"],
  ["multi"],
  ["exec"],
  ["discard"],
  ["watch", "k"],
  ["unwatch"],
  ["select", 1],
  ["auth", "secret"],
  ["hello", 3],
  ["quit"],
  ["reset"],
  ["blpop", "k", 1],
  ["brpop", "k", 1],
  ["blmove", "a", "b", "left", "right", 1],
  ["blmpop", 1, 1, "k", "left"],
  ["bzpopmin", "z", 1],
  ["bzpopmax", "z", 1],
  ["bzmpop", 1, 1, "z", "min"],
  ["wait", 1, 1],
  ["xread", "block", 1000, "streams", "s", "$"],
  ["XREADGROUP", "GROUP", "g", "c", "BLOCK", 10, "STREAMS", "s", ">"],
];

describe.skipIf(SKIP_WITHOUT_REDIS)("refused commands", () => {
  it.each(REFUSED_COMMANDS.map((command) => [String(command[0]), command]))(
    "refuses %s with 400 {error} on / (point 18)",
    async (_name, command) => {
      const res = await h.post("/", command);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: expect.stringContaining("not allowed") });
    },
  );

  it("refuses inside a pipeline per item and still runs the others", async () => {
    const res = await h.post(
      "/pipeline",
      [
        ["set", "r:a", "1"],
        ["subscribe", "ch"],
        ["select", 2],
        ["get", "r:a"],
      ],
      {
        base64: false,
      },
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { result: "OK" },
      { error: expect.stringContaining("not allowed") },
      { error: expect.stringContaining("not allowed") },
      { result: "1" },
    ]);
  });

  it("refuses a whole transaction holding one, applying nothing", async () => {
    const res = await h.post("/multi-exec", [
      ["set", "r:tx", "1"],
      ["watch", "r:tx"],
    ]);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringContaining("not allowed") });
    expect((await h.post("/", ["get", "r:tx"])).text).toBe('{"result":null}');
  });

  it("still allows non-blocking XREAD and the connection stays usable afterwards", async () => {
    await h.post("/", ["xadd", "r:s", "*", "f", "v"]);
    const res = await h.post("/", ["xread", "count", 1, "streams", "r:s", "0"], { base64: false });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('"f","v"');
    expect((await h.post("/", ["ping"], { base64: false })).json).toEqual({ result: "PONG" });
  });
});
