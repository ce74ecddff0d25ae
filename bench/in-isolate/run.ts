// `npm run bench:isolate`: edge-kv's app and bare Hono's, each called in an
// isolate of its own in one workerd (Miniflare) with the Map scenarios'
// requests and no HTTP: the workerd CPU microseconds each spends per request,
// net of making the requests. Finer than
// `npm run bench` (no sockets, no load generator on the same cores), for
// telling whether a change to the hot path is worth a few microseconds; the
// HTTP bench remains the measure of the targets.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { WORKER_BUILD_OPTIONS, type WranglerSettings, wranglerSettings } from "../../tools/testing/kv-worker-bundle";
import { processCpuMicros } from "../process-cpu";
import { allScenarios } from "../scenarios";
import { median } from "../stats";
import type { IsolateRun } from "./protocol";

const TOKEN = "in-isolate-bench-token-0123456789";

/** µs per request of each app in one scenario, medians over the rounds. */
export interface IsolateFigures {
  scenario: string;
  /** What the µs are: workerd's CPU time (Linux), or the time a call took where /proc is not there. */
  measure: "cpu" | "wall";
  loopUs: number;
  bareHonoUs: number;
  kvUs: number;
}

/** Bundles the two apps into one worker, minified or not and keeping names or not as wrangler.toml tells `wrangler deploy`. */
async function bundle(bundling: WranglerSettings["bundling"]): Promise<string> {
  const result = await build({
    ...WORKER_BUILD_OPTIONS,
    entryPoints: [fileURLToPath(new URL("./worker.ts", import.meta.url))],
    minify: bundling.minify,
    keepNames: bundling.keepNames,
    logLevel: "error",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error("esbuild wrote no bundle");
  return output.text;
}

/**
 * The pid of the workerd process Miniflare started for this process (its only
 * workerd child), or null where /proc cannot tell.
 */
function workerdChildPid(): number | null {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^[0-9]+$/.test(entry)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const [, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === process.pid && stat.includes("(workerd)")) return Number(entry);
    }
  } catch {
    // No /proc: fall back to wall time.
  }
  return null;
}

/** Measures the four Map scenarios held to the bare Hono target (or those of them whose id contains one of `only`). */
export async function measureInIsolate(options: {
  count: number;
  rounds: number;
  only: string[];
}): Promise<IsolateFigures[]> {
  // One bundle, two isolates: each app runs alone in its own, so neither shares
  // Hono's compiled code (and its type feedback) with the other, as it would in one isolate.
  // edge-kv's deployed settings (wrangler.toml), read once: its bundling, and on the Map backend with a write token.
  const { compatibilityDate, compatibilityFlags, vars, bundling } = wranglerSettings();
  const script = await bundle(bundling);
  const bindings = { ...vars, STORAGE_BACKEND: "memory", KV_WRITE_TOKENS: TOKEN };
  const mf = new Miniflare({
    workers: [
      { name: "kv", modules: true, script, compatibilityDate, compatibilityFlags, bindings },
      { name: "bare-hono", modules: true, script, compatibilityDate, compatibilityFlags },
    ],
  });
  // Miniflare types the worker's fetch with workers-types, which this Node project does not load.
  const isolate = async (name: string) => (await mf.getWorker(name)) as unknown as { fetch: typeof fetch };
  const isolates = { kv: await isolate("kv"), "bare-hono": await isolate("bare-hono") };
  // workerd's CPU time, rather than the time a call takes, leaves out whatever else the machine runs meanwhile.
  // Chosen once, so that a run never mixes the two.
  const pid = workerdChildPid();
  const cpuPid = pid !== null && processCpuMicros(pid) !== null ? pid : null;
  const measure = cpuPid === null ? "wall" : "cpu";
  const clock = cpuPid === null ? () => performance.now() * 1000 : () => processCpuMicros(cpuPid) ?? Number.NaN;
  const timed = async (run: IsolateRun): Promise<number> => {
    const started = clock();
    // The loop alone ("none") runs in edge-kv's isolate.
    const answer = await isolates[run.app === "bare-hono" ? "bare-hono" : "kv"].fetch("http://bench.invalid/", {
      method: "POST",
      body: JSON.stringify(run),
    });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`${run.app}: ${text}`);
    return (clock() - started) / run.count;
  };
  const figures: IsolateFigures[] = [];
  try {
    const scenarios = allScenarios(TOKEN).filter(
      (scenario) =>
        scenario.bareHonoTarget && (options.only.length === 0 || options.only.some((id) => scenario.id.includes(id))),
    );
    for (const scenario of scenarios) {
      const run = (app: IsolateRun["app"]): IsolateRun => ({
        app,
        requests: scenario.cycle,
        count: options.count,
        expectedStatuses: scenario.expectedStatuses,
      });
      for (const app of ["kv", "bare-hono"] as const) {
        const seed = { app, requests: scenario.seed, count: scenario.seed.length, expectedStatuses: [200, 201] };
        if (seed.count > 0) await timed(seed);
        await timed(run(app));
      }
      const samples = { none: [] as number[], "bare-hono": [] as number[], kv: [] as number[] };
      for (let round = 0; round < options.rounds; round++) {
        const order = ["none", "bare-hono", "kv"] as const;
        for (const app of round % 2 === 0 ? order : [...order].reverse()) samples[app].push(await timed(run(app)));
      }
      const loopUs = median(samples.none);
      figures.push({
        scenario: scenario.title,
        measure,
        loopUs,
        bareHonoUs: median(samples["bare-hono"]) - loopUs,
        kvUs: median(samples.kv) - loopUs,
      });
    }
  } finally {
    await mf.dispose();
  }
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "4000" },
      rounds: { type: "string", default: "9" },
      only: { type: "string", multiple: true, default: [] },
    },
  });
  const count = Number(values.count);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error(
      "usage: npm run bench:isolate -- [--count REQUESTS] [--rounds N] [--only ID]; counts are whole numbers ≥ 1",
    );
  }
  const figures = await measureInIsolate({ count, rounds, only: values.only });
  const unit = figures[0]?.measure === "wall" ? "µs/req" : "CPU µs/req";
  console.log(`| scenario | bare Hono ${unit} | edge-kv ${unit} | edge-kv − bare Hono | bare Hono ÷ edge-kv |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  for (const f of figures) {
    console.log(
      `| ${f.scenario} | ${f.bareHonoUs.toFixed(1)} | ${f.kvUs.toFixed(1)} | ${(f.kvUs - f.bareHonoUs).toFixed(1)} | ${(f.bareHonoUs / f.kvUs).toFixed(2)}× |`,
    );
  }
  console.log(
    `(${figures[0]?.measure === "wall" ? "time per call (no /proc here)" : "workerd's CPU time, all threads"}; medians of ${values.rounds} alternating rounds of ${values.count} requests; the loop alone (making the requests, calling into the isolate), ${figures[0]?.loopUs.toFixed(1) ?? "–"} µs per request, subtracted)`,
  );
}
