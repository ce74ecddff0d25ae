import { describe, expect, inject, it } from "vitest";
import type { LiarMode } from "../support/liar-modes";
import { type Answer, callClientWith } from "./client";

const ENDPOINTS = ["/test_deletion", "/test_overwrite", "/test_get/some-key", "/test_all"];
const liar = (mode: LiarMode) => ({ KV_URL: `${inject("liarBaseUrl")}/${mode}` });

function expectLoudFailure(answer: Answer): void {
  expect(answer.status).toBe(500);
  expect(answer.contentType).toBe("application/problem+json");
  expect(answer.body).toMatchObject({ status: 500, code: "workflow_failed" });
  const failed = answer.body.failed_step ?? answer.body.failed_steps?.[0];
  expect(failed).toMatchObject({ pass: false });
  expect(failed?.error).toEqual(expect.any(String));
  expect(answer.body.steps).toContainEqual(failed);
}

/** The delete step of each workflow that deletes. */
const DELETE_STEP: Record<string, string> = {
  deletion: "delete",
  overwrite: "delete (cleanup)",
  null_value: "delete",
  unknown_key: "delete unknown key",
  change_feed: "delete (cleanup)",
};

/** Every step, cleanup included, that was answered with a 5xx yet reported as a pass. */
function stepsPassedWith500(answer: Answer): string[] {
  return answer.body.steps
    .filter((step) => step.actual_status !== null && step.actual_status >= 500 && step.pass)
    .map((step) => `${step.workflow}: ${step.step}`);
}

function failingWorkflows(answer: Answer): string[] {
  return (answer.body.workflows ?? []).filter((w) => w.outcome !== "passed").map((w) => w.workflow);
}

describe("the test client against a KV server that lies", () => {
  it("passes against the same server when it tells the truth (over KV_URL)", async () => {
    for (const path of ["/test_deletion", "/test_overwrite", "/test_all"]) {
      const answer = await callClientWith(path, liar("honest"));
      expect(answer.status, path).toBe(200);
      expect(answer.body.target).toBe(liar("honest").KV_URL);
    }
  });

  it.concurrent.each(ENDPOINTS)("%s answers 500 when every answer is 200 with wrong values", async (path) => {
    const answer = await callClientWith(path, liar("always-ok"));
    expectLoudFailure(answer);
  });

  it("names the failing step and what was wrong", async () => {
    const answer = await callClientWith("/test_deletion", liar("always-ok"));
    expect(answer.body.failed_step).toMatchObject({
      workflow: "deletion",
      step: "exists after delete",
      expected_status: 200,
      actual_status: 200,
      pass: false,
      error: "expected exists false, got true",
    });
    expect(answer.body.message).toBe("Deletion test failed");
    expect(answer.body.detail).toContain("exists after delete");
  });

  // Each lie breaks exactly the workflows whose checks should catch it.
  it.concurrent.each<[LiarMode, string[]]>([
    ["always-ok", ["deletion", "overwrite", "ttl", "null_value", "bad_input", "unknown_key", "change_feed"]],
    ["forgetful", ["deletion", "overwrite", "ttl", "null_value", "change_feed"]],
    ["stale-overwrite", ["overwrite"]],
    ["sticky-delete", ["deletion"]],
    ["ignores-ttl", ["ttl"]],
    ["null-is-missing", ["null_value"]],
    ["lenient", ["bad_input"]],
    ["feed-misses", ["change_feed"]],
    ["plain-errors", ["deletion", "ttl", "bad_input", "unknown_key"]],
    [
      "server-error",
      ["health", "deletion", "overwrite", "ttl", "null_value", "bad_input", "unknown_key", "change_feed"],
    ],
  ])("/test_all catches the %s lie in %j", async (mode, expected) => {
    const answer = await callClientWith("/test_all", liar(mode));
    expectLoudFailure(answer);
    expect(failingWorkflows(answer)).toEqual(expected);
    expect(answer.body.failed_steps?.map((s) => s.workflow)).toEqual(expected);
  });

  it("still deletes the keys of a failed run", async () => {
    const answer = await callClientWith("/test_overwrite", liar("stale-overwrite"));
    expectLoudFailure(answer);
    expect(answer.body.failed_step).toMatchObject({ step: "get after overwrite" });
    expect(answer.body.steps.at(-1)).toMatchObject({
      step: "cleanup",
      method: "DELETE",
      actual_status: 200,
      pass: true,
    });
  });

  it("/test_get fails when a key no one wrote reads as present", async () => {
    const answer = await callClientWith("/test_get/anything", liar("always-ok"));
    expect(answer.body.failed_step).toMatchObject({ step: "get a key no one wrote", actual_status: 200 });
  });

  // Issue 18: a KV service that fails one kind of request only. Whatever the body
  // says, a step answered 500 never passes, and the workflow names that step.
  describe.each<LiarMode>(["delete-500", "delete-500-ok-body"])("when only DELETE answers 500 (%s)", (mode) => {
    it("/test_deletion fails at its delete step, after the steps before it passed", async () => {
      const answer = await callClientWith("/test_deletion", liar(mode));
      expectLoudFailure(answer);
      expect(answer.body.message).toBe("Deletion test failed");
      expect(answer.body.failed_step).toMatchObject({
        workflow: "deletion",
        step: "delete",
        method: "DELETE",
        expected_status: 200,
        actual_status: 500,
        pass: false,
        error: expect.stringContaining("expected status 200, got 500"),
      });
      expect(answer.body.detail).toContain("Step 'delete' (DELETE /delete/");
      expect(answer.body.steps.map((step) => [step.step, step.pass])).toEqual([
        ["set", true],
        ["exists after set", true],
        ["delete", false],
        ["cleanup", mode === "delete-500-ok-body"],
      ]);
      expect(stepsPassedWith500(answer)).toEqual([]);
    });

    it("/test_all fails each workflow that deletes at its delete step, and no other", async () => {
      const answer = await callClientWith("/test_all", liar(mode));
      expectLoudFailure(answer);
      const deleting = ["deletion", "overwrite", "null_value"];
      // A DELETE of a key no one wrote reads 404 in the second mode, as it should.
      const expected =
        mode === "delete-500" ? [...deleting, "unknown_key", "change_feed"] : [...deleting, "change_feed"];
      expect(failingWorkflows(answer)).toEqual(expected);
      expect(answer.body.failed_steps?.map((step) => [step.workflow, step.step, step.actual_status])).toEqual(
        expected.map((workflow) => [workflow, DELETE_STEP[workflow], 500]),
      );
      expect(answer.body.steps.filter((step) => step.actual_status === 500).length).toBeGreaterThanOrEqual(
        expected.length,
      );
      expect(stepsPassedWith500(answer)).toEqual([]);
    });
  });

  it("never shows KV_TOKEN, even when the KV server quotes it back", async () => {
    const token = "worker-secret-0123456789";
    const answer = await callClientWith("/test_all", { ...liar("echo-auth"), KV_TOKEN: token });
    expectLoudFailure(answer);
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain(token);
    expect(text).toContain("Refused 'Authorization: Bearer [KV_TOKEN]'");
  });

  it("sends KV_TOKEN as a bearer token", async () => {
    const withToken = await callClientWith("/test_all", { ...liar("auth"), KV_TOKEN: "secret-token" });
    expect(withToken.status).toBe(200);
    const without = await callClientWith("/test_deletion", liar("auth"));
    expectLoudFailure(without);
    expect(without.body.failed_step).toMatchObject({ actual_status: 401 });
  });
});
