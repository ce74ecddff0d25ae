import { describe, expect, it } from "vitest";
import { type Answer, callClient, keysIn, kvBinding, kvHas } from "./client";

function expectAllStepsPassed(answer: Answer): void {
  expect(answer.body.steps.length).toBeGreaterThan(0);
  for (const step of answer.body.steps) {
    expect(step).toMatchObject({ pass: true });
    expect(typeof step.duration_ms).toBe("number");
    expect(step.duration_ms).toBeGreaterThanOrEqual(0);
    expect([step.expected_status].flat()).toContain(step.actual_status);
  }
}

async function storeInKv(key: string, value: unknown): Promise<void> {
  const response = await kvBinding.fetch("http://kv/set", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key, value }),
  });
  expect(response.status).toBe(200);
}

describe("the test client against the real KV worker (service binding)", () => {
  it("describes itself and its target on /", async () => {
    const answer = await callClient("/");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ message: "KV test client is running", target: "service binding KV" });
  });

  it("/test_deletion passes: set, exists true, delete, exists false, get 404", async () => {
    const answer = await callClient("/test_deletion");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ message: "Deletion test passed", target: "service binding KV" });
    expect(typeof answer.body.details).toBe("string");
    expect(answer.body.steps.map((s) => [s.step, s.method, s.actual_status])).toEqual([
      ["set", "POST", 200],
      ["exists after set", "GET", 200],
      ["delete", "DELETE", 200],
      ["exists after delete", "GET", 200],
      ["get after delete", "GET", 404],
    ]);
    expectAllStepsPassed(answer);
    // The KV worker's X-Request-Id, recorded to find each request in its logs.
    expect(answer.body.steps.every((s) => typeof s.request_id === "string" && s.request_id !== "")).toBe(true);
  });

  it("/test_overwrite passes and reports the new value as final_value", async () => {
    const answer = await callClient("/test_overwrite");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      message: "Overwrite test passed",
      final_value: { replaced: true, list: [1, 2, 3] },
    });
    expect(answer.body.steps.map((s) => s.step)).toEqual([
      "set",
      "exists after set",
      "overwrite",
      "get after overwrite",
      "delete (cleanup)",
    ]);
    expectAllStepsPassed(answer);
  });

  it("/test_all passes every workflow, TTL expiry included, in well under 3 s", async () => {
    const started = Date.now();
    const answer = await callClient("/test_all");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.status).toBe(200);
    expect(answer.body.message).toBe("All 8 workflows passed");
    expect(answer.body.workflows?.map((w) => [w.workflow, w.outcome])).toEqual([
      ["health", "passed"],
      ["deletion", "passed"],
      ["overwrite", "passed"],
      ["ttl", "passed"],
      ["null_value", "passed"],
      ["bad_input", "passed"],
      ["unknown_key", "passed"],
      ["change_feed", "passed"],
    ]);
    const steps = answer.body.steps.map((s) => `${s.workflow}: ${s.step} → ${s.actual_status}`);
    expect(steps).toContain("ttl: get before expiry → 200");
    expect(steps).toContain("ttl: get after expiry → 404");
    expect(steps).toContain("null_value: get null → 200");
    expect(steps).toContain("change_feed: feed shows the write → 200");
    expect(steps).toContain("bad_input: set with malformed JSON → 400");
    expect(steps).toContain("unknown_key: get unknown key → 404");
    expectAllStepsPassed(answer);
  });

  it("leaves none of its keys behind", async () => {
    const answers = await Promise.all(["/test_deletion", "/test_overwrite", "/test_all"].map(callClient));
    const keys = answers.flatMap((answer) => keysIn(answer.body.steps));
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const key of keys) expect(await kvHas(key), key).toBe(false);
  });

  it("passes six concurrent /test_overwrite runs, each on its own key", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => callClient("/test_overwrite")));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expectAllStepsPassed(answer);
    }
    const keys = answers.map((answer) => keysIn(answer.body.steps));
    expect(new Set(keys.flat()).size).toBe(6);
  });

  describe("/test_get/{key}", () => {
    it("answers the stored value of a key, slash and Unicode included", async () => {
      const key = `user/ключ ${crypto.randomUUID()}`;
      await storeInKv(key, { a: [1, null] });
      const answer = await callClient(`/test_get/${encodeURIComponent(key)}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        value: { a: [1, null] },
        key,
        result: "found",
        message: `Key '${key}' found`,
      });
      expectAllStepsPassed(answer);
      expect(answer.body.steps.some((s) => s.method !== "GET")).toBe(false);
      expect(await kvHas(key)).toBe(true);
    });

    it("answers a stored null as found", async () => {
      const key = `null-${crypto.randomUUID()}`;
      await storeInKv(key, null);
      const answer = await callClient(`/test_get/${encodeURIComponent(key)}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ value: null, result: "found" });
    });

    it("answers 404 saying the key was not found", async () => {
      const key = `missing-${crypto.randomUUID()}`;
      const answer = await callClient(`/test_get/${key}`);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ message: `Key '${key}' not found`, key, result: "not_found" });
      expectAllStepsPassed(answer);
    });

    it("answers 400 when the KV worker refuses the key itself", async () => {
      const answer = await callClient(`/test_get/${"k".repeat(600)}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ result: "refused" });
      expect(answer.body.reason).toMatch(/512/);
    });
  });

  it("answers unknown routes with a 404 problem body", async () => {
    const answer = await callClient("/test_nothing");
    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe("application/problem+json");
    expect(answer.body).toMatchObject({ status: 404, code: "route_not_found" });
  });
});
