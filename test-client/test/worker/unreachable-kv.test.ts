import { describe, expect, inject, it } from "vitest";
import { type Answer, callClientWith } from "./client";

const ENDPOINTS = ["/test_deletion", "/test_overwrite", "/test_get/some-key", "/test_all"];

function expectBadGateway(answer: Answer): void {
  expect(answer.status).toBe(502);
  expect(answer.contentType).toBe("application/problem+json");
  expect(answer.body).toMatchObject({ status: 502, code: "kv_unreachable" });
  const failed = answer.body.failed_step ?? answer.body.failed_steps?.[0];
  expect(failed).toMatchObject({ pass: false, actual_status: null });
  expect(answer.body.detail).toContain("could not be reached");
}

describe("the test client when the KV worker cannot be reached", () => {
  it.each(ENDPOINTS)("%s answers 502 when nothing listens at KV_URL", async (path) => {
    const answer = await callClientWith(path, { KV_URL: inject("deadUrl") });
    expectBadGateway(answer);
    expect(answer.body.target).toBe(inject("deadUrl"));
  });

  it("answers 502 with the reason when the binding's fetch fails", async () => {
    const KV = { fetch: () => Promise.reject(new Error("binding went away")) };
    const answer = await callClientWith("/test_deletion", { KV });
    expectBadGateway(answer);
    expect(answer.body.failed_step?.error).toContain("binding went away");
  });

  it("answers 502 when something else answers for the worker (wrangler dev without the KV worker)", async () => {
    const notRunning = 'Worker "edge-kv" not found. Make sure it is running locally.';
    const KV = { fetch: async () => new Response(notRunning, { status: 503 }) };
    const answer = await callClientWith("/test_overwrite", { KV });
    expectBadGateway(answer);
    expect(answer.body.failed_step?.error).toContain(notRunning);
  });

  it("answers 500 naming KV_URL when it is not a URL", async () => {
    const answer = await callClientWith("/test_all", { KV_URL: "edge-kv.example.com" });
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: "misconfigured", setting: "KV_URL" });
  });
});
