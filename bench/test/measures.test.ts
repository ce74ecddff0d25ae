import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureBackup } from "../backup/measure-backup";
import { buildAsDeployed, buildBareHono, type DeployedBuild } from "../build";
import { type Fleet, startFleet, WorkerSpecs } from "../fleet";
import { type BenchRequest, send, withBearer } from "../http-request";
import { countRoundTrips, IDEMPOTENCY_PROBES } from "../round-trips";
import { allScenarios, TXN_SCENARIO_ID } from "../scenarios";
import { directRunner } from "../upstash/direct-runner";
import { startUpstashStack, type UpstashStack } from "../upstash/stack";
import { measureFeedLatency } from "../watch/delivery-latency";
import { workerdConfigText } from "../workerd/capnp-config";
import { startWorkerd } from "../workerd/serve";

// The measures added for issues 13-15, against the deployed bundle under
// workerd, on both backends (redis-server and the bridge started here).
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
let builds: { kv: DeployedBuild; bareHono: DeployedBuild };
let stack: UpstashStack;
let fleet: Fleet;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-kv-bench-measures-"));
  const kv = await buildAsDeployed(ROOT, join(dir, "worker"));
  builds = { kv, bareHono: await buildBareHono(ROOT, join(dir, "bare-hono"), kv) };
  stack = await startUpstashStack();
  fleet = await startFleet({
    dir,
    builds,
    upstash: { token: stack.token, bridgeUrl: stack.bridgeUrl, countingUrl: stack.proxy.url },
  });
});

afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

const origin = (name: keyof Fleet["origins"]) => {
  const found = fleet.origins[name];
  if (found === undefined) throw new Error(`${name} is not running`);
  return found;
};

/** Each key's value (the body) and version (the ETag) as GET /v1/kv/{key} answers them (null when missing). */
async function read(at: string, keys: string[]) {
  const entries: Record<string, { value: unknown; version: number } | null> = {};
  for (const key of keys) {
    const { status, headers, text } = await send(
      at,
      withBearer({ method: "GET", path: `/v1/kv/${encodeURIComponent(key)}` }, fleet.tokens.write),
    );
    entries[key] =
      status === 404 ? null : { value: JSON.parse(text), version: Number(headers.get("etag")?.replaceAll('"', "")) };
  }
  return entries;
}

describe("the transaction scenario", () => {
  const scenario = () => {
    const found = allScenarios(fleet.tokens.write).find((candidate) => candidate.id === TXN_SCENARIO_ID);
    if (found === undefined) throw new Error(`no scenario ${TXN_SCENARIO_ID}`);
    return found;
  };
  const keysOf = (request: BenchRequest) =>
    (JSON.parse(request.body ?? "{}") as { ops: Array<{ key: string; op: string }> }).ops;

  it.each(["kv-memory", "kv-upstash-counted"] as const)(
    "on %s, answers 200 and changes every key of each transaction at one revision (on Upstash in one request)",
    async (worker) => {
      const { seed, cycle } = scenario();
      for (const request of seed) expect((await send(origin(worker), request)).status).toBeLessThan(300);
      for (const request of cycle.slice(0, 3)) {
        const ops = keysOf(request);
        expect(ops).toHaveLength(10);
        const keys = ops.map((op) => op.key);
        const before = await read(origin(worker), keys);
        stack.proxy.take();
        const { status, text } = await send(origin(worker), request);
        const calls = stack.proxy.take();
        expect(status, text).toBe(200);
        const { revision } = JSON.parse(text) as { revision: number };
        const after = await read(origin(worker), keys);
        for (const op of ops) {
          expect(after[op.key]?.version).toBe(revision);
          expect(after[op.key]?.version).toBeGreaterThan(before[op.key]?.version ?? 0);
          if (op.op === "incr") expect(after[op.key]?.value).toBe(((before[op.key]?.value as number) ?? 0) + 1);
        }
        if (worker === "kv-upstash-counted") expect(calls.map((call) => call.names)).toEqual([["EVALSHA"]]);
      }
    },
  );

  it("is replayed by the direct client doing the whole work each time: every check holds, every op applies", async () => {
    const txn = scenario();
    const counters = txn.cycle.map((request) => keysOf(request).find((op) => op.op === "incr")?.key ?? "");
    const load = await directRunner({ stack, fleet, plan: [{ scenario: txn, contenders: ["direct-serial"] }] });
    const before = await read(origin("kv-upstash"), counters);
    const result = await load(txn, 1, 0.3);
    const after = await read(origin("kv-upstash"), counters);
    const increments = counters.reduce(
      (sum, key) => sum + ((after[key]?.value as number) - ((before[key]?.value as number) ?? 0)),
      0,
    );
    expect(result.errors).toBe(0);
    expect(result.responses).toBeGreaterThan(0);
    expect(increments).toBe(result.responses);
  });
});

describe("the Idempotency-Key probes", () => {
  it("retry with the first request's key and body, and are answered from the stored outcome", async () => {
    const retries = IDEMPOTENCY_PROBES.filter((probe) => probe.idempotency === "replay");
    expect(retries.map((probe) => probe.route)).toContain("POST /v1/txn");
    for (const probe of retries) {
      const key = `bench:test:replay:${Date.now()}:${probe.route}`;
      const setup = probe.setup(key);
      expect(setup.at(-1)).toEqual(probe.call(key));
      let first = 0;
      for (const request of setup)
        first = (await send(origin("kv-memory"), withBearer(request, fleet.tokens.write))).status;
      const retry = await send(origin("kv-memory"), withBearer(probe.call(key), fleet.tokens.write));
      expect(retry.status, `${probe.route}: ${retry.text}`).toBe(first);
      expect(retry.headers.get("idempotent-replayed"), probe.route).toBe("true");
    }
  });

  it("are counted on Upstash with whether each answer was a replay", async () => {
    const result = await countRoundTrips({
      origin: origin("kv-upstash-counted"),
      writeToken: fleet.tokens.write,
      adminToken: fleet.tokens.admin,
      takeCalls: () => stack.proxy.take(),
      readCommandStats: () => stack.commandStats(),
    });
    const keyed = result.calls.filter((call) => call.idempotency !== "none");
    expect(keyed).toHaveLength(IDEMPOTENCY_PROBES.length);
    for (const call of keyed) {
      expect(call.status, call.call).toBeLessThan(300);
      expect(call.replayed, call.call).toBe(call.idempotency === "replay");
      expect(call.withoutKey, call.call).toMatch(/^\S+ \S+ \(/);
    }
    const txn = result.calls.find((call) => call.route === "POST /v1/txn" && call.idempotency === "none");
    expect(txn?.httpRequests).toBe(1);
  });
});

describe("change feed delivery latency", () => {
  it("matches every write of the Map backend with its one event", async () => {
    const feed = await measureFeedLatency({
      backend: "memory",
      origin: origin("kv-memory"),
      token: fleet.tokens.write,
      prefix: `bench:test:watch:${Date.now()}:`,
      writes: 30,
      meanGapMs: 5,
      pollMs: null,
    });
    expect(feed).toMatchObject({ writes: 30, delivered: 30, repeated: 0, outOfOrder: 0 });
    expect(feed.sentToEvent.p50Ms).toBeGreaterThan(0);
    expect(feed.ackToEvent.p50Ms).toBeLessThan(feed.sentToEvent.p50Ms);
  });

  it("resumes an Upstash stream the worker ends, losing and repeating nothing", async () => {
    // A worker whose watch polls every 50 ms and ends after 4 polls, so the run spans several streams.
    const specsDir = join(dir, "short-watch");
    await mkdir(specsDir, { recursive: true });
    const specs = await WorkerSpecs.in(specsDir, builds, fleet.tokens);
    const configPath = join(specsDir, "workerd.capnp");
    const vars = {
      STORAGE_BACKEND: "upstash",
      UPSTASH_REDIS_REST_URL: stack.bridgeUrl,
      UPSTASH_REDIS_REST_TOKEN: stack.token,
      KV_WATCH_POLL_MS: "50",
      KV_WATCH_MAX_POLLS: "4",
    };
    await writeFile(configPath, workerdConfigText([specs.kv("kv-upstash", vars)]));
    const workerd = await startWorkerd({ configPath, socketNames: ["kv-upstash"] });
    try {
      const feed = await measureFeedLatency({
        backend: "upstash",
        origin: `http://127.0.0.1:${workerd.ports.get("kv-upstash")}`,
        token: fleet.tokens.write,
        prefix: `bench:test:watch:${Date.now()}:`,
        writes: 40,
        meanGapMs: 20,
        pollMs: 50,
      });
      expect(feed).toMatchObject({ writes: 40, delivered: 40, repeated: 0, outOfOrder: 0 });
      expect(feed.reconnects).toBeGreaterThan(0);
    } finally {
      await workerd.stop();
    }
  });
});

describe("export and import", () => {
  it("imports, then exports every key, on both backends, with memory and speed for each", async () => {
    const result = await measureBackup({
      dir: join(dir, "backup"),
      builds,
      sizes: { memory: [300, 1_200], upstash: [100, 400] },
      exportsPerRun: 2,
      upstash: { bridgeUrl: stack.bridgeUrl, token: stack.token },
      log: () => undefined,
    });
    expect(result.runs.map((run) => [run.backend, run.keys])).toEqual([
      ["memory", 300],
      ["memory", 1_200],
      ["upstash", 100],
      ["upstash", 400],
    ]);
    for (const run of result.runs) {
      expect(run.exports).toHaveLength(2);
      expect(run.importKeysPerSecond).toBeGreaterThan(0);
      for (const exported of run.exports) {
        // Every key's line, and the header line, came (the measure throws otherwise); about the bytes imported.
        expect(exported.bytes).toBeGreaterThan(run.bytes);
        expect(exported.peakMiB).toBeGreaterThanOrEqual(exported.residentBeforeMiB);
        expect(exported.growthMiB).toBeCloseTo(exported.peakMiB - exported.residentBeforeMiB, 0);
      }
    }
  });
});
