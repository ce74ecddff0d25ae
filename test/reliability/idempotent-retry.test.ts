import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { type Answer, call, json, type Sent } from "./support/client";
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy";
import { recordFigure } from "./support/figures";
import { redisMissing } from "./support/redis-required";
import { type Stack, startStack, WRITE_TOKEN } from "./support/stack";
import { type RunningWorker, startKvWorker } from "./support/worker";

// The retry a client makes after a lost answer, with the same Idempotency-Key:
// it must get the first outcome back (Idempotent-Replayed: true) instead of
// applying the write a second time. Two places lose the answer:
// - between the worker and Upstash (the fault proxy of the stack): Redis ran the
//   script, the worker never read its reply and answers 503 (outcome unknown);
// - between the worker and the client (a fault proxy in front of the worker): the
//   worker answered, the client never read it. This one exists on the Map backend too.

/** Concurrent identical requests sent with one Idempotency-Key. */
const BURST = 100;
/** Lines of an import made of several groups of a hundred (each group one storage step). */
const GROUPED_LINES = 250;

let stack: Stack;
let memory: RunningWorker;
/** Proxies in front of the workers, losing the answers on their way to the client. */
let frontOfUpstash: FaultProxy;
let frontOfMemory: FaultProxy;

beforeAll(async () => {
  if (redisMissing !== null) return;
  // A generous storage time bound: the bursts below queue on a 2-core machine,
  // and a 503 from queueing would hide what is tested.
  stack = await startStack({ faults: true, bindings: { UPSTASH_TIMEOUT_MS: "20000" } });
  memory = await startKvWorker({ STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: WRITE_TOKEN });
  frontOfUpstash = await startFaultProxy(stack.worker.url);
  frontOfMemory = await startFaultProxy(memory.url);
  // Load every script first, so that a dropped call below is one that Redis runs.
  await call(stack.worker.url, "/v1/kv/warm/incr", { method: "POST" });
});

afterAll(async () => {
  await frontOfMemory?.close();
  await frontOfUpstash?.close();
  await memory?.dispose();
  await stack?.close();
});

const kvPath = (key: string) => `/v1/kv/${encodeURIComponent(key)}`;

/** The request's headers with an Idempotency-Key. */
function withKey(sent: Sent, idempotencyKey: string): Sent {
  return { ...sent, headers: { ...sent.headers, "Idempotency-Key": idempotencyKey } };
}

/** NDJSON import lines, one per key `${prefix}${i}` holding {"n": i}. */
function importBody(prefix: string, lines: number): string {
  return Array.from({ length: lines }, (_, i) => `${JSON.stringify({ key: `${prefix}${i}`, value: { n: i } })}\n`).join(
    "",
  );
}

/** The store-wide revision, as the first line of an export says it. */
async function revisionOf(base: string): Promise<number> {
  const answer = await call(base, `/v1/export?prefix=${encodeURIComponent(`none-${crypto.randomUUID()}`)}`);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.text.split("\n")[0] ?? "") as { revision: number }).revision;
}

/** The keys of a prefix with their versions and values, as an export lists them. */
async function exportedLines(base: string, prefix: string): Promise<string[]> {
  const answer = await call(base, `/v1/export?prefix=${encodeURIComponent(prefix)}`);
  expect(answer.status).toBe(200);
  return answer.text.trimEnd().split("\n").slice(1);
}

/** Expects a replay of `original`: the same status, body and entry headers, marked Idempotent-Replayed. */
function expectReplayOf(replay: Answer, original: Answer): void {
  expect(replay.headers.get("idempotent-replayed"), replay.text).toBe("true");
  expect(replay.status).toBe(original.status);
  expect(replay.text).toBe(original.text);
  for (const name of ["etag", "location", "kv-expires-at", "kv-metadata"]) {
    expect(replay.headers.get(name), name).toBe(original.headers.get(name));
  }
}

/** One write under test: what it sends, and what the store must show once it has applied exactly once. */
interface Case {
  name: string;
  /** A fresh request (fresh keys) and the check of the store after it applied once. */
  make(): { path: string; sent: Sent; expectApplied(base: string, answer: Answer): Promise<void> };
}

const CASES: Case[] = [
  {
    name: "POST /v1/kv/{key}/incr (the counter moves once)",
    make() {
      const key = `lost-incr-${crypto.randomUUID()}`;
      return {
        path: `${kvPath(key)}/incr`,
        sent: json("POST", { by: 5 }),
        async expectApplied(base, answer) {
          expect(answer.status).toBe(200);
          expect(JSON.parse(answer.text)).toMatchObject({ value: 5 });
          const read = await call(base, kvPath(key));
          expect(read.text).toBe("5");
          expect(read.headers.get("etag")).toBe(answer.headers.get("etag"));
        },
      };
    },
  },
  {
    name: "create-only PUT (the retry gets the 201, not a 412)",
    make() {
      const key = `lost-create-${crypto.randomUUID()}`;
      return {
        path: kvPath(key),
        sent: json("PUT", { first: true }, { "If-None-Match": "*", "KV-Metadata": '{"by":"retry"}' }),
        async expectApplied(base, answer) {
          expect(answer.status).toBe(201);
          const read = await call(base, kvPath(key));
          expect(read.text).toBe('{"first":true}');
          expect(read.headers.get("etag")).toBe(answer.headers.get("etag"));
          expect(read.headers.get("kv-metadata")).toBe('{"by":"retry"}');
        },
      };
    },
  },
  {
    name: "POST /v1/batch (an incr and a create once each)",
    make() {
      const [counter, item] = [`lost-batch-n-${crypto.randomUUID()}`, `lost-batch-x-${crypto.randomUUID()}`];
      return {
        path: "/v1/batch",
        sent: json("POST", {
          ops: [
            { op: "incr", key: counter, by: 2 },
            { op: "put", key: item, value: "x", ttl: 3600 },
            { op: "get", key: counter },
          ],
        }),
        async expectApplied(base, answer) {
          expect(answer.status).toBe(200);
          const { results } = JSON.parse(answer.text) as { results: { status: number; version?: number }[] };
          expect(results.map((r) => r.status)).toEqual([200, 201, 200]);
          expect((await call(base, kvPath(counter))).text).toBe("2");
          const read = await call(base, kvPath(item));
          expect(read.headers.get("etag")).toBe(`"${results[1]?.version}"`);
        },
      };
    },
  },
  {
    name: "POST /v1/txn claiming an absent name (the retry gets the 200, not a 412)",
    make() {
      const [name, counter] = [`lost-claim-${crypto.randomUUID()}`, `lost-claims-${crypto.randomUUID()}`];
      return {
        path: "/v1/txn",
        sent: json("POST", {
          checks: [{ key: name, absent: true }],
          ops: [
            { op: "put", key: name, value: "owner" },
            { op: "incr", key: counter },
          ],
        }),
        async expectApplied(base, answer) {
          expect(answer.status).toBe(200);
          const { revision } = JSON.parse(answer.text) as { revision: number };
          expect((await call(base, kvPath(name))).headers.get("etag")).toBe(`"${revision}"`);
          expect((await call(base, kvPath(counter))).text).toBe("1");
        },
      };
    },
  },
  {
    name: "POST /v1/import?mode=create_only (every line imported, none failed as existing)",
    make() {
      const prefix = `lost-import-${crypto.randomUUID()}/`;
      return {
        path: "/v1/import?mode=create_only",
        sent: { method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: importBody(prefix, 20) },
        async expectApplied(base, answer) {
          expect(answer.status).toBe(200);
          expect(JSON.parse(answer.text)).toEqual({ imported: 20, skipped: 0, failed: [], failed_not_listed: 0 });
          expect(await exportedLines(base, prefix)).toHaveLength(20);
        },
      };
    },
  },
];

// Skipped only without redis-server outside CI, with the install hint printed (support/redis-required.ts).
describe.skipIf(redisMissing !== null)("a retry after a lost answer replays it (Idempotency-Key)", () => {
  describe("the answer from Upstash is lost: Redis applied the write, the worker answered 503", () => {
    it.each(CASES)("$name", async ({ make }) => {
      const { path, sent, expectApplied } = make();
      const request = withKey(sent, `storage-${crypto.randomUUID()}`);
      const base = stack.worker.url;
      const before = await revisionOf(base);
      stack.proxy?.dropAnswerOfNext(1);
      const lost = await call(base, path, request);
      stack.proxy?.dropAnswerOfNext(0);
      expect(lost.status, lost.text).toBe(503);
      expect(lost.text).toContain('"storage_unavailable"');
      const applied = await revisionOf(base);
      expect(applied, "the lost call did run").toBeGreaterThan(before);
      const retry = await call(base, path, request);
      expect(retry.headers.get("idempotent-replayed"), retry.text).toBe("true");
      await expectApplied(base, retry);
      expect(await revisionOf(base), "the retry changed nothing").toBe(applied);
      expectReplayOf(await call(base, path, request), retry);
    });

    it(`an import of ${GROUPED_LINES} lines (three steps) whose second step's answer is lost: the retry replays the two steps that ran and applies the third`, async () => {
      const prefix = `lost-grouped-${crypto.randomUUID()}/`;
      const request = withKey(
        {
          method: "POST",
          headers: { "Content-Type": "application/x-ndjson" },
          body: importBody(prefix, GROUPED_LINES),
        },
        `grouped-${crypto.randomUUID()}`,
      );
      const base = stack.worker.url;
      const path = "/v1/import?mode=create_only";
      const before = await revisionOf(base);
      // The storage calls: the running mark, then one per group of a hundred lines.
      stack.proxy?.dropAnswerOfNext(1, 2);
      const lost = await call(base, path, request);
      stack.proxy?.dropAnswerOfNext(0);
      expect(lost.status, lost.text).toBe(503);
      expect(await revisionOf(base), "two groups ran").toBe(before + 200);
      const retry = await call(base, path, request);
      expect(retry.status, retry.text).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(JSON.parse(retry.text)).toEqual({ imported: GROUPED_LINES, skipped: 0, failed: [], failed_not_listed: 0 });
      expect(await revisionOf(base), "each line applied once").toBe(before + GROUPED_LINES);
      const lines = await exportedLines(base, prefix);
      expect(lines).toHaveLength(GROUPED_LINES);
      expectReplayOf(await call(base, path, request), retry);
      expect(await exportedLines(base, prefix)).toEqual(lines);
    });
  });

  describe.each([
    { backend: "memory", front: () => frontOfMemory },
    { backend: "upstash", front: () => frontOfUpstash },
  ])("the worker's answer to the client is lost ($backend backend)", ({ front }) => {
    it.each(CASES)("$name", async ({ make }) => {
      const { path, sent, expectApplied } = make();
      const request = withKey(sent, `client-${crypto.randomUUID()}`);
      const proxy = front();
      const droppedBefore = proxy.dropped.length;
      proxy.dropAnswerOfNext(1);
      await expect(call(proxy.url, path, request), "the client reads no answer").rejects.toThrow();
      const lost = proxy.dropped[droppedBefore];
      assert.isDefined(lost, "the proxy kept the answer it dropped");
      expect(lost.headers.get("idempotent-replayed")).toBeNull();
      const retry = await call(proxy.url, path, request);
      expectReplayOf(retry, lost);
      await expectApplied(proxy.url, retry);
    });
  });

  describe.each([
    { backend: "memory", url: () => memory.url },
    { backend: "upstash", url: () => stack.worker.url },
  ])(`${BURST} concurrent identical requests with one Idempotency-Key ($backend backend)`, ({ backend, url }) => {
    /**
     * Sends the same request BURST times at once; expects one first answer,
     * the others replays of it or 409 idempotency_in_flight, and a replay when
     * sent once more afterwards. Returns the first answer.
     */
    async function burst(path: string, sent: Sent, figure: string): Promise<Answer> {
      const request = withKey(sent, `burst-${crypto.randomUUID()}`);
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: BURST }, () => call(url(), path, request)));
      const ms = performance.now() - started;
      const firsts = answers.filter((a) => a.status === 200 && a.headers.get("idempotent-replayed") === null);
      const replays = answers.filter((a) => a.headers.get("idempotent-replayed") === "true");
      const inFlight = answers.filter((a) => a.status === 409);
      expect(firsts, "exactly one request applied").toHaveLength(1);
      const [first] = firsts;
      assert.isDefined(first);
      for (const replay of replays) expectReplayOf(replay, first);
      for (const busy of inFlight) {
        expect(JSON.parse(busy.text)).toMatchObject({ code: "idempotency_in_flight" });
        expect(busy.headers.get("retry-after")).not.toBeNull();
      }
      expect(firsts.length + replays.length + inFlight.length, "no other answer").toBe(BURST);
      // Once the burst is over, the same request is a replay, whatever the burst's timing was.
      expectReplayOf(await call(url(), path, request), first);
      recordFigure(
        `idempotency.${backend}.${figure}`,
        {
          requests: BURST,
          replayed: replays.length,
          inFlight: inFlight.length,
          ms: Math.round(ms),
        },
        { quiet: true },
      );
      return first;
    }

    it("an incr: the counter moves by exactly one", async () => {
      const key = `burst-incr-${crypto.randomUUID()}`;
      const before = await revisionOf(url());
      const first = await burst(`${kvPath(key)}/incr`, { method: "POST" }, "incr");
      expect(JSON.parse(first.text)).toEqual({ version: before + 1, value: 1 });
      expect((await call(url(), kvPath(key))).text).toBe("1");
      expect(await revisionOf(url())).toBe(before + 1);
    });

    it(`an import of ${GROUPED_LINES} lines in three steps: each line applied once`, async () => {
      const prefix = `burst-import-${crypto.randomUUID()}/`;
      const before = await revisionOf(url());
      const sent = {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: importBody(prefix, GROUPED_LINES),
      };
      const first = await burst("/v1/import", sent, "import");
      expect(JSON.parse(first.text)).toMatchObject({ imported: GROUPED_LINES, failed: [] });
      expect(await exportedLines(url(), prefix)).toHaveLength(GROUPED_LINES);
      expect(await revisionOf(url())).toBe(before + GROUPED_LINES);
    });
  });
});
