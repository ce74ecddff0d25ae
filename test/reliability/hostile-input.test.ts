import fc from "fast-check";
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { checkProperty } from "./property/checks";
import { KvModel } from "./property/model";
import { pathKey } from "./property/request";
import { Mismatch, type RunContext, runStep } from "./property/run-step";
import { KEY_SUFFIXES, step } from "./property/steps";
import { call, json } from "./support/client";
import { recordFigure } from "./support/figures";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack } from "./support/stack";

const RUNS = 50;
const MIN_STEPS = 200;
const MAX_STEPS = 250;
const CHECK_EVERY = 100;

let stack: Stack;

beforeAll(async () => {
  if (redisMissing !== null) return;
  stack = await startStack({ faults: true });
});

afterAll(async () => {
  await stack?.close();
});

/** Reads every key of the pool and the run's listing, and compares them with the model. */
async function checkpoint(ctx: RunContext): Promise<void> {
  const listing = await call(ctx.base, `/v1/kv?prefix=${encodeURIComponent(ctx.prefix)}&limit=1000`);
  const listed = (JSON.parse(listing.text) as { keys: { key: string }[] }).keys.map((k) => k.key);
  if (JSON.stringify(listed) !== JSON.stringify(ctx.model.keys(ctx.prefix))) {
    throw new Mismatch(
      `store keys ${JSON.stringify(listed)} differ from the model's ${JSON.stringify(ctx.model.keys(ctx.prefix))}`,
    );
  }
  for (const suffix of KEY_SUFFIXES) {
    const key = ctx.prefix + suffix;
    const entry = ctx.model.get(key);
    const read = await call(ctx.base, `/v1/kv/${pathKey(key, "component")}`);
    const same = entry === undefined ? read.status === 404 : read.status === 200 && read.text === entry.json;
    if (!same)
      throw new Mismatch(
        `store holds ${read.status} ${read.text.slice(0, 200)} for ${JSON.stringify(key)}; model: ${entry?.json}`,
      );
  }
}

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null)("hostile input, property-based, against a model", () => {
  it(`${RUNS} sequences of ${MIN_STEPS}-${MAX_STEPS} generated requests: no 5xx but injected 503s, problems for errors, store equal to the model`, async () => {
    const stats: RunContext["stats"] = { requests: 0, hostile: 0, faults: 0, byStatus: new Map() };
    const { proxy } = stack;
    assert.isNotNull(proxy, "startStack({ faults: true }) puts a fault proxy in front of the bridge");
    const started = performance.now();
    await checkProperty(
      fc.asyncProperty(fc.array(step, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (steps) => {
        const ctx: RunContext = {
          base: stack.worker.url,
          proxy,
          model: new KvModel(),
          prefix: `hostile/${crypto.randomUUID().slice(0, 8)}/`,
          stats,
        };
        for (const [index, s] of steps.entries()) {
          try {
            await runStep(ctx, s);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new Mismatch(`step ${index} ${JSON.stringify(s).slice(0, 600)}: ${reason}`);
          }
          if ((index + 1) % CHECK_EVERY === 0) await checkpoint(ctx);
        }
        await checkpoint(ctx);
      }),
      RUNS,
    );
    const ms = performance.now() - started;
    expect(stats.requests).toBeGreaterThanOrEqual(10_000);
    expect(stats.faults).toBeGreaterThan(0);
    recordFigure("hostileInput", {
      requests: stats.requests,
      hostile: stats.hostile,
      injectedFaults: stats.faults,
      answered503: stats.byStatus.get(503) ?? 0,
      other5xx: [...stats.byStatus]
        .filter(([status]) => status >= 500 && status !== 503)
        .reduce((n, [, count]) => n + count, 0),
      statuses: JSON.stringify(Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b))),
      ms: Math.round(ms),
    });
  });

  // Keys holding line terminators are reachable by path: the route parameter is
  // `[\s\S]+`, as `.` would stop at \n, \r, U+2028 and U+2029.
  it("keys holding line terminators are reachable through the path routes", async () => {
    for (const terminator of ["\n", "\r", "\u2028", "\u2029"]) {
      const key = `hostile/terminator/${crypto.randomUUID()}${terminator}end`;
      expect((await call(stack.worker.url, "/set", json("POST", { key, value: 1 }))).status).toBe(200);
      expect((await call(stack.worker.url, `/get/${encodeURIComponent(key)}`)).status).toBe(200);
      expect((await call(stack.worker.url, `/v1/kv/${encodeURIComponent(key)}`)).status).toBe(200);
    }
  });
});
