import { describe, expect, it } from "vitest";
import { appFetch, jsonInit, problemOf, workerFetch } from "../support/http";
import { describeCompatApi } from "./compat-suite";

describeCompatApi("memory", async () => workerFetch);

describe("memory backend specifics", () => {
  it("reports the memory backend on GET /", async () => {
    expect(await (await workerFetch("/")).json()).toEqual({
      message: "KV Service is running",
      backend: "memory",
      status: "ok",
    });
  });

  it("honours a configured value limit, naming it and the size", async () => {
    const f = appFetch({ KV_MAX_VALUE_BYTES: "100" });
    const res = await f("/set", jsonInit("POST", { key: "small-limit", value: "y".repeat(150) }));
    expect(res.status).toBe(413);
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ code: "value_too_large", limit: 100, size: 152 });
    expect(problem.detail).toBe("The value is 152 bytes of JSON; the limit is 100 bytes");
  });

  it("answers a malformed setting with 503 naming it", async () => {
    const f = appFetch({ KV_MAX_VALUE_BYTES: "lots" });
    const res = await f("/get/k");
    expect(res.status).toBe(503);
    expect(await problemOf(res)).toMatchObject({ code: "misconfigured", setting: "KV_MAX_VALUE_BYTES" });
  });
});
