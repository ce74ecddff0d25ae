import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkProperty, Mismatch } from "./property/checks";
import { KvModel } from "./property/model";
import { checkState, runTxn, type TxnContext } from "./property/run-txn";
import { txnStep } from "./property/txn-steps";
import { call } from "./support/client";
import { recordFigure } from "./support/figures";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack, WRITE_TOKEN } from "./support/stack";
import { type RunningWorker, startKvWorker } from "./support/worker";

/** Sequences per backend, and transactions per sequence: a few seconds per backend on a 2-core machine. */
const RUNS = 30;
const MIN_TXNS = 20;
const MAX_TXNS = 40;

let stack: Stack;
let memory: RunningWorker;

beforeAll(async () => {
  if (redisMissing !== null) return;
  stack = await startStack();
  memory = await startKvWorker({ STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: WRITE_TOKEN });
});

afterAll(async () => {
  await memory?.dispose();
  await stack?.close();
});

/** The store-wide revision, from an export's first line. */
async function revisionOf(base: string): Promise<number> {
  const answer = await call(base, `/v1/export?prefix=${encodeURIComponent(`none-${crypto.randomUUID()}`)}`);
  return (JSON.parse(answer.text.split("\n")[0] ?? "") as { revision: number }).revision;
}

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null).each([
  { backend: "memory", url: () => memory.url },
  { backend: "upstash", url: () => stack.worker.url },
])("transactions against a model ($backend backend)", ({ backend, url }) => {
  it(`${RUNS} sequences of ${MIN_TXNS}-${MAX_TXNS} generated transactions: every answer exact, a failed one leaves no trace`, async () => {
    const stats: TxnContext["stats"] = { applied: 0, checkFailed: 0, opFailed: 0 };
    const started = performance.now();
    await checkProperty(
      fc.asyncProperty(fc.array(txnStep, { minLength: MIN_TXNS, maxLength: MAX_TXNS }), async (steps) => {
        // The worker serves this test alone, one request at a time: the revision only moves by these transactions.
        const ctx: TxnContext = {
          base: url(),
          model: new KvModel(),
          prefix: `txn/${crypto.randomUUID().slice(0, 8)}/`,
          revision: await revisionOf(url()),
          stats,
        };
        for (const [index, s] of steps.entries()) {
          try {
            // A failed transaction must leave the store as it was: values, versions, expiries, metadata, listing, revision.
            if ((await runTxn(ctx, s)) !== "applied") await checkState(ctx);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new Mismatch(`txn ${index} ${JSON.stringify(s).slice(0, 600)}: ${reason}`);
          }
        }
        await checkState(ctx);
      }),
      RUNS,
    );
    const ms = performance.now() - started;
    // Each outcome must be common enough to be tested.
    const total = stats.applied + stats.checkFailed + stats.opFailed;
    expect(stats.applied / total).toBeGreaterThan(0.2);
    expect(stats.checkFailed / total).toBeGreaterThan(0.1);
    expect(stats.opFailed / total).toBeGreaterThan(0.05);
    recordFigure(`txnModel.${backend}`, { txns: total, ...stats, ms: Math.round(ms) }, { quiet: true });
  });
});
