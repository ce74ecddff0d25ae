import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FleetBuilds, newTokens, WorkerSpecs } from "../fleet";
import { send } from "../http-request";
import { processCpuMicros } from "../process-cpu";
import { allScenarios } from "../scenarios";
import { median, round } from "../stats";
import { workerdConfigText } from "../workerd/capnp-config";
import { startWorkerd } from "../workerd/serve";
import { traceSlices } from "./perfetto";
import { type StartupPhases, startupPhases } from "./phases";

/** The workers whose start-up is measured, each alone in a workerd of its own. */
export const COLD_START_CONTENDERS = ["floor", "bare-hono", "kv-memory"] as const;
export type ColdStartContender = (typeof COLD_START_CONTENDERS)[number];

/** One new workerd process, from spawn to its first answer. */
export interface ColdStartRun extends StartupPhases {
  repetition: number;
  contender: ColdStartContender;
  /** From spawning workerd to its socket listening (the worker is built by then). */
  toListenMs: number;
  /** From spawning workerd to the first request's 200 read in full. */
  toFirstResponseMs: number;
  /** CPU time workerd used (all threads) from spawn to the first response. */
  workerdCpuMs: number | null;
}

/** Medians over the repetitions of one contender, and the fastest start. */
export type ColdStartFigures = { [K in keyof Omit<ColdStartRun, "repetition" | "contender">]: number | null } & {
  /** The fastest of the repetitions, spawn to first 200: the start least disturbed by other work on the machine. */
  fastestToFirstResponseMs: number | null;
};

export interface ColdStartResult {
  repetitions: number;
  /** The first request every contender answered (same method, path, headers and body). */
  request: string;
  figures: Record<ColdStartContender, ColdStartFigures>;
  /** Median over repetitions of edge-kv ÷ bare Hono, time to first response. */
  kvOverBareHono: number;
  /** The same ratio of workerd CPU time to the first response (null off Linux). */
  kvOverBareHonoCpu: number | null;
  runs: ColdStartRun[];
}

async function startOnce(options: {
  dir: string;
  configPath: string;
  contender: ColdStartContender;
  repetition: number;
  request: Parameters<typeof send>[1];
}): Promise<ColdStartRun> {
  const trace = join(options.dir, `${options.contender}.pftrace`);
  await rm(trace, { force: true });
  const spawned = performance.now();
  const workerd = await startWorkerd({
    configPath: options.configPath,
    socketNames: [options.contender],
    perfettoTrace: trace,
  });
  const listening = performance.now();
  let answered: number;
  let cpu: number | null;
  try {
    const { status, text } = await send(`http://127.0.0.1:${workerd.ports.get(options.contender)}`, options.request);
    answered = performance.now();
    cpu = processCpuMicros(workerd.pid);
    if (status !== 200) {
      throw new Error(`cold start of ${options.contender}: first request answered ${status} ${text.slice(0, 200)}`);
    }
  } finally {
    await workerd.stop();
  }
  return {
    repetition: options.repetition,
    contender: options.contender,
    toListenMs: round(listening - spawned, 3),
    toFirstResponseMs: round(answered - spawned, 3),
    workerdCpuMs: cpu === null ? null : round(cpu / 1000, 3),
    ...startupPhases(traceSlices(new Uint8Array(await readFile(trace)))),
  };
}

function medianOf(runs: ColdStartRun[], pick: (run: ColdStartRun) => number | null): number | null {
  const values = runs.flatMap((run) => {
    const value = pick(run);
    return value === null ? [] : [value];
  });
  return values.length === 0 ? null : round(median(values), 3);
}

function pairedRatio(runs: ColdStartRun[], pick: (run: ColdStartRun) => number | null): number | null {
  const ratios = runs.flatMap((run) => {
    if (run.contender !== "kv-memory") return [];
    const hono = runs.find((other) => other.contender === "bare-hono" && other.repetition === run.repetition);
    const [a, b] = [pick(run), hono === undefined ? null : pick(hono)];
    return a === null || b === null ? [] : [a / b];
  });
  return ratios.length === 0 ? null : round(median(ratios), 3);
}

/**
 * Cold start: each contender alone in a new `workerd serve` (the same binary
 * and config as the throughput runs, one worker per process), started in
 * turn, `repetitions` times, the order reversed every other repetition. Each
 * run times spawn to listening and spawn to the first request's 200, reads
 * workerd's CPU time at that moment from /proc, and reads workerd's own trace
 * spans (Perfetto, category "workerd") for where the isolate's start went:
 * compiling the bundle, evaluating its top level, the first request's
 * handler. Medians over repetitions; the ratio to bare Hono is taken per
 * repetition, then the median.
 */
export async function measureColdStart(options: {
  dir: string;
  builds: FleetBuilds;
  repetitions: number;
  log: (line: string) => void;
}): Promise<ColdStartResult> {
  await mkdir(options.dir, { recursive: true });
  const tokens = newTokens();
  const specs = await WorkerSpecs.in(options.dir, options.builds, tokens);
  const spec = { floor: specs.floor(), "bare-hono": specs.bareHono(), "kv-memory": specs.kvMemory() };
  const configPath = (contender: ColdStartContender) => join(options.dir, `${contender}.capnp`);
  for (const contender of COLD_START_CONTENDERS) {
    await writeFile(configPath(contender), workerdConfigText([spec[contender]]));
  }
  const set = allScenarios(tokens.write).find((scenario) => scenario.id === "compat.set");
  const request = set?.cycle[0];
  if (request === undefined) throw new Error("cold start: no compat.set scenario to take the first request from");

  const runs: ColdStartRun[] = [];
  for (let repetition = 1; repetition <= options.repetitions; repetition++) {
    const order = repetition % 2 === 1 ? [...COLD_START_CONTENDERS] : [...COLD_START_CONTENDERS].reverse();
    for (const contender of order) {
      runs.push(
        await startOnce({ dir: options.dir, configPath: configPath(contender), contender, repetition, request }),
      );
    }
  }
  const figures = {} as Record<ColdStartContender, ColdStartFigures>;
  for (const contender of COLD_START_CONTENDERS) {
    const own = runs.filter((run) => run.contender === contender);
    figures[contender] = {
      toListenMs: medianOf(own, (run) => run.toListenMs),
      toFirstResponseMs: medianOf(own, (run) => run.toFirstResponseMs),
      fastestToFirstResponseMs: own.length === 0 ? null : Math.min(...own.map((run) => run.toFirstResponseMs)),
      workerdCpuMs: medianOf(own, (run) => run.workerdCpuMs),
      makeWorkerMs: medianOf(own, (run) => run.makeWorkerMs),
      compileMs: medianOf(own, (run) => run.compileMs),
      evaluateMs: medianOf(own, (run) => run.evaluateMs),
      firstRequestMs: medianOf(own, (run) => run.firstRequestMs),
    };
    const f = figures[contender];
    options.log(
      `cold start ${contender}: first 200 after ${f.toFirstResponseMs} ms (workerd CPU ${f.workerdCpuMs} ms), ` +
        `compile ${f.compileMs} ms, top-level evaluation ${f.evaluateMs} ms, first request ${f.firstRequestMs} ms`,
    );
  }
  return {
    repetitions: options.repetitions,
    request: `${request.method} ${request.path}`,
    figures,
    kvOverBareHono: pairedRatio(runs, (run) => run.toFirstResponseMs) ?? Number.NaN,
    kvOverBareHonoCpu: pairedRatio(runs, (run) => run.workerdCpuMs),
    runs,
  };
}
