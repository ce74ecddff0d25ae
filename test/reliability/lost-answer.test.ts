import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, json } from "./support/client";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack } from "./support/stack";

let stack: Stack;

beforeAll(async () => {
  if (redisMissing !== null) return;
  stack = await startStack({ faults: true });
  // Load every script first, so that the dropped call below is one that Redis runs.
  await call(stack.worker.url, "/v1/kv/warm/incr", { method: "POST" });
  await call(stack.worker.url, "/v1/kv/warm", json("PUT", 1));
});

afterAll(async () => {
  await stack?.close();
});

// A storage call whose answer is lost (Redis ran it, the connection broke before
// the reply) must not be sent again: the write would apply twice. The API
// should answer 503 (outcome unknown) or the truth.
//
// The Upstash gateway never resends a request (src/store/upstash/gateway.ts):
// with a retry, one incr counted twice and a create-only PUT that did create
// its key answered 412 "nothing was changed".
// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null)("a lost storage answer is never retried into a second write", () => {
  it("one incr whose answer is lost counts once", async () => {
    const path = `/v1/kv/lost-${crypto.randomUUID()}`;
    stack.proxy?.dropAnswerOfNext(1);
    const answer = await call(stack.worker.url, `${path}/incr`, { method: "POST" });
    const read = await call(stack.worker.url, path);
    expect(read.text).toBe("1");
    if (answer.status === 200) expect(JSON.parse(answer.text)).toMatchObject({ value: 1 });
    else expect(answer.status).toBe(503);
  });

  it("a create-only PUT whose answer is lost does not claim nothing changed", async () => {
    const path = `/v1/kv/lost-${crypto.randomUUID()}`;
    stack.proxy?.dropAnswerOfNext(1);
    const answer = await call(stack.worker.url, path, json("PUT", 1, { "If-None-Match": "*" }));
    expect([201, 503]).toContain(answer.status);
  });

  it("a call whose answer is lost did run, and the API then answers 503, not a lie (control)", async () => {
    const path = `/v1/kv/lost-${crypto.randomUUID()}`;
    stack.proxy?.dropAnswerOfNext(2);
    const answer = await call(stack.worker.url, path, json("PUT", "ran"));
    stack.proxy?.dropAnswerOfNext(0);
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('"storage_unavailable"');
    expect((await call(stack.worker.url, path)).text).toBe('"ran"');
  });
});
