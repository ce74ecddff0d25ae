import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { call, json, sleep } from "./support/client";
import { recordFigure } from "./support/figures";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack, WRITE_TOKEN } from "./support/stack";
import { type RunningWorker, startKvWorker } from "./support/worker";

const INCRS = 1_000;
const RMW_CLIENTS = 200;

interface Target {
  backend: "memory" | "upstash";
  url: () => string;
}

let stack: Stack;
let memory: RunningWorker;

beforeAll(async () => {
  if (redisMissing !== null) return;
  // The test is about atomicity: a generous storage time bound keeps this busy
  // 2-core machine from turning queueing into 503s (whose outcome is unknown).
  stack = await startStack({ bindings: { UPSTASH_TIMEOUT_MS: "20000" } });
  memory = await startKvWorker({ STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: WRITE_TOKEN });
});

afterAll(async () => {
  await memory?.dispose();
  await stack?.close();
});

const TARGETS: Target[] = [
  { backend: "memory", url: () => memory.url },
  { backend: "upstash", url: () => stack.worker.url },
];

/**
 * One client's read-modify-write increment: read the value and its ETag, write
 * value+1 with If-Match, and on 412 back off and start over. Returns the attempts made.
 */
async function rmwIncrement(base: string, path: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const read = await call(base, path);
    expect(read.status).toBe(200);
    const etag = read.headers.get("etag");
    assert.isNotNull(etag, "a read value has an ETag");
    const written = await call(base, path, json("PUT", Number(read.text) + 1, { "If-Match": etag }));
    if (written.status === 200) return attempt;
    expect(written.status).toBe(412);
    // Full-jitter exponential backoff, as a well-behaved client retries a conflict.
    await sleep(Math.random() * Math.min(2_000, 8 * 2 ** attempt));
  }
}

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null).each(TARGETS)("concurrency on the $backend backend", ({ backend, url }) => {
  it(`${INCRS} concurrent incr calls count exactly, each seeing a distinct value`, async () => {
    const path = `/v1/kv/incr-${crypto.randomUUID()}`;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: INCRS }, () => call(url(), `${path}/incr`, { method: "POST" })),
    );
    const ms = performance.now() - started;
    expect(answers.map((a) => a.status)).toEqual(Array(INCRS).fill(200));
    const seen = answers.map((a) => (JSON.parse(a.text) as { value: number }).value).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: INCRS }, (_, i) => i + 1));
    const final = await call(url(), path);
    expect(final.text).toBe(String(INCRS));
    recordFigure(`concurrency.${backend}.incr`, { calls: INCRS, final: Number(final.text), ms: Math.round(ms) });
  });

  it(`${RMW_CLIENTS} concurrent If-Match read-modify-write loops lose no increment`, async () => {
    const path = `/v1/kv/rmw-${crypto.randomUUID()}`;
    expect((await call(url(), path, json("PUT", 0))).status).toBe(201);
    const started = performance.now();
    const attempts = await Promise.all(Array.from({ length: RMW_CLIENTS }, () => rmwIncrement(url(), path)));
    const ms = performance.now() - started;
    const final = await call(url(), path);
    expect(final.status).toBe(200);
    expect(final.text).toBe(String(RMW_CLIENTS));
    const total = attempts.reduce((sum, n) => sum + n, 0);
    recordFigure(`concurrency.${backend}.ifMatch`, {
      clients: RMW_CLIENTS,
      final: Number(final.text),
      attempts: total,
      conflicts: total - RMW_CLIENTS,
      maxAttempts: Math.max(...attempts),
      ms: Math.round(ms),
    });
  });
});
