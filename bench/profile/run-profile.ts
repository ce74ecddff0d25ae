import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployedBuild } from "../build";
import type { Fleet, WorkerName } from "../fleet";
import { type LoadResult, runLoad } from "../load";
import { prepareScenario } from "../preflight";
import type { Scenario } from "../scenarios";
import { CdpSession } from "./cdp";
import { SourceMap } from "./source-map";
import { type CpuProfile, type ProfileSummary, summarize } from "./summary";

/** Samples every 100 µs: fine enough for requests that take tens of µs of JS. */
const SAMPLING_INTERVAL_US = 100;

interface ProfiledRun {
  worker: WorkerName;
  load: LoadResult;
  /** Microseconds the isolate was busy (not idle) per response served. */
  busyUsPerResponse: number;
  summary: ProfileSummary;
  file: string;
}

async function bundleMaps(build: DeployedBuild): Promise<Map<string, SourceMap>> {
  const maps = new Map<string, SourceMap>();
  for (const module of build.modules) {
    try {
      const map = JSON.parse(await readFile(join(build.outdir, `${module}.map`), "utf8"));
      maps.set(module, new SourceMap(map));
    } catch {
      // No source map for this module: positions stay as bundle positions.
    }
  }
  return maps;
}

async function profileOne(options: {
  fleet: Fleet;
  worker: WorkerName;
  scenario: Scenario;
  seconds: number;
  connections: number;
  maps: Map<string, SourceMap>;
  dir: string;
}): Promise<ProfiledRun> {
  const { fleet, worker, scenario } = options;
  const session = await CdpSession.connect(`ws://127.0.0.1:${fleet.workerd.inspectorPort}/${worker}`);
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await session.send("Profiler.start");
    const load = await runLoad({
      origin: fleet.origins[worker]!,
      requests: scenario.cycle,
      connections: options.connections,
      durationSeconds: options.seconds,
    });
    const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
    const file = join(options.dir, `${scenario.id}.${worker}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    const summary = summarize(profile, options.maps);
    const busyUsPerResponse = ((1 - summary.idleShare) * summary.durationUs) / Math.max(1, load.responses);
    return { worker, load, busyUsPerResponse, summary, file };
  } finally {
    session.close();
  }
}

function print(run: ProfiledRun, log: (line: string) => void): void {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  log(
    `${run.worker}: ${Math.round(run.load.requestsPerSecond)} req/s under the profiler, ` +
      `isolate busy ${Math.round(run.busyUsPerResponse)} µs per response, idle ${pct(run.summary.idleShare)}; ${run.file}`,
  );
  log("  self time by origin:");
  for (const { origin, share } of run.summary.selfByOrigin.slice(0, 12)) log(`    ${pct(share)}  ${origin}`);
  log("  self time by function:");
  for (const { fn, share } of run.summary.topSelf.slice(0, 15)) log(`    ${pct(share)}  ${fn}`);
  log("  time including callees:");
  for (const { fn, share } of run.summary.topTotal.slice(0, 20)) log(`    ${pct(share)}  ${fn}`);
}

/**
 * `--profile ID` (or `--profile upstash:ID`): CPU-profiles a scenario on the
 * KV worker, then on bare Hono (Map backend scenarios it serves) and on the
 * floor through workerd's inspector, prints where
 * the isolate's time goes (mapped to original files through the bundle's
 * source map) and the isolate's busy time per response for both, and keeps
 * the .cpuprofile files (open them in Chrome DevTools) in a temporary folder.
 */
export async function profileScenarios(options: {
  fleet: Fleet;
  build: DeployedBuild;
  scenarios: Scenario[];
  ids: string[];
  seconds: number;
  connections: number;
  log: (line: string) => void;
}): Promise<void> {
  const maps = await bundleMaps(options.build);
  const dir = join(tmpdir(), `edge-kv-profiles-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await mkdir(dir, { recursive: true });
  const summaries: Record<string, ProfiledRun[]> = {};
  for (const id of options.ids) {
    const [backend, scenarioId] = id.startsWith("upstash:") ? ["upstash", id.slice(8)] : ["memory", id];
    const worker: WorkerName = backend === "upstash" ? "kv-upstash" : "kv-memory";
    const scenario = options.scenarios.find((candidate) => candidate.id === scenarioId);
    if (scenario === undefined)
      throw new Error(`no scenario '${scenarioId}' (ids: ${options.scenarios.map((s) => s.id).join(", ")})`);
    if (options.fleet.origins[worker] === undefined) throw new Error(`${worker} is not running`);
    const ready = await prepareScenario(options.fleet.origins[worker]!, scenario);
    if (!ready.ready) throw new Error(`${scenario.id} cannot run on ${worker}: ${ready.reason}`);
    const targets: WorkerName[] =
      worker === "kv-memory" && scenario.onBareHono ? [worker, "bare-hono", "floor"] : [worker, "floor"];
    if (targets.includes("bare-hono")) {
      const hono = await prepareScenario(options.fleet.origins["bare-hono"]!, scenario);
      if (!hono.ready) throw new Error(`${scenario.id} cannot run on bare Hono: ${hono.reason}`);
    }
    options.log(`profiling ${scenario.id} on ${targets.join(", then ")}, ${options.seconds} s each`);
    const runs: ProfiledRun[] = [];
    for (const target of targets) {
      // One unprofiled pass first, so the profile shows optimized code.
      await runLoad({
        origin: options.fleet.origins[target]!,
        requests: scenario.cycle,
        connections: options.connections,
        durationSeconds: 1,
      });
      const run = await profileOne({ ...options, worker: target, scenario, maps, dir });
      print(run, options.log);
      runs.push(run);
    }
    summaries[id] = runs;
  }
  await writeFile(join(dir, "summary.json"), `${JSON.stringify(summaries, null, 2)}\n`);
  options.log(`profiles and summary.json in ${dir}`);
}
