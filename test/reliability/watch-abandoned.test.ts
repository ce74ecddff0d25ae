import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack, WRITE_TOKEN } from "./support/stack";

// Each read of the change log is an Upstash command, billed per command: a watch
// whose client went away must stop reading, not poll until its budget is spent.
// A quiet stream writes nothing, and workerd notices a client that went away
// only when the next write fails: the keep-alive comment. So an abandoned watch
// reads the log for at most KV_WATCH_KEEPALIVE_MS more.

const POLL_MS = 40;
const KEEPALIVE_MS = 400;
let stack: Stack;

beforeAll(async () => {
  if (redisMissing !== null) return;
  stack = await startStack({
    faults: true,
    bindings: {
      KV_WATCH_POLL_MS: String(POLL_MS),
      KV_WATCH_MAX_POLLS: "100000",
      KV_WATCH_KEEPALIVE_MS: String(KEEPALIVE_MS),
    },
  });
});

afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null)("an abandoned watch on Upstash", () => {
  it("reads the change log while its client listens, and stops by its next keep-alive once the client is gone", async () => {
    const proxy = stack.proxy;
    if (proxy === null) throw new Error("the stack runs without its counting proxy");
    const client = new AbortController();
    const res = await fetch(`${stack.worker.url}/v1/watch?prefix=abandoned/`, {
      headers: { Authorization: `Bearer ${WRITE_TOKEN}` },
      signal: client.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    const listening = proxy.forwarded;
    await sleep(20 * POLL_MS);
    expect(proxy.forwarded - listening).toBeGreaterThanOrEqual(5);
    client.abort();
    await reader?.cancel().catch(() => undefined);
    // Polls go on until the keep-alive comment finds the client gone (and one poll under way may finish).
    await sleep(2 * KEEPALIVE_MS + 10 * POLL_MS);
    const gone = proxy.forwarded;
    await sleep(25 * POLL_MS);
    expect(proxy.forwarded - gone).toBe(0);
  });
});
