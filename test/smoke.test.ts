import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers the health route", async () => {
  const res = await exports.default.fetch("http://kv/");
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ message: "KV Service is running", backend: "memory" });
  expect(typeof (JSON as unknown as { rawJSON: unknown }).rawJSON).toBe("function");
  let source: unknown;
  JSON.parse("12345678901234567890", (_k, v, ctx?: { source?: string }) => ((source = ctx?.source), v));
  expect(source).toBe("12345678901234567890");
});
