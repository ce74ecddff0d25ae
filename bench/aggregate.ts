import type { LoadResult } from "./load";
import type { Contender, Sample } from "./measure";
import type { Scenario } from "./scenarios";
import { median, round } from "./stats";

/** A contender's figures on one scenario: medians over rounds. */
export interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses whose status the scenario does not expect, plus connection errors, over all rounds. */
  failures: number;
  /** workerd's CPU time per response, µs (null for the direct client, or off Linux). */
  cpuUsPerResponse: number | null;
}

/** A worker's figures on one scenario, compared with the floor (and bare Hono, or the direct client). */
export interface BackendFigures extends Figures {
  /** Median over rounds of worker req/s ÷ floor req/s in the same round. */
  ratioToFloor: number;
  /** Median over rounds of floor CPU per response ÷ worker CPU per response: the throughput ratio a quiet machine would show. */
  cpuRatioToFloor: number | null;
  /** Map backend only: median over rounds of worker req/s ÷ bare Hono req/s in the same round. */
  ratioToBareHono?: number;
  /** Map backend only: median over rounds of bare Hono CPU per response ÷ worker CPU per response. */
  cpuRatioToBareHono?: number | null;
  /** Map backend only: the same two ratios against bare Hono answering with edge-kv's answer headers. */
  ratioToBareHonoHeaders?: number;
  cpuRatioToBareHonoHeaders?: number | null;
  /** Upstash only: the worker one request at a time. */
  serial?: Figures;
  /** Upstash only: the direct client one request at a time. */
  directSerial?: Figures;
  /** Upstash only: median over rounds of serial worker p50 ÷ serial direct p50 in the same round. */
  p50OverDirect?: number;
}

/** One scenario's results. */
export interface ScenarioResult {
  id: string;
  title: string;
  api: Scenario["api"];
  floor: Figures | null;
  /** The bare Hono reference, against the floor (null where it does not serve the scenario). */
  bareHono: BackendFigures | null;
  /** Bare Hono answering with edge-kv's answer headers, against the floor (null where it did not run). */
  bareHonoHeaders: BackendFigures | null;
  memory: BackendFigures | null;
  upstash: BackendFigures | null;
  /** Why a backend did not run, by backend. */
  skipped: Record<string, string>;
  /** Every run, for whoever wants to look closer. */
  runs: Array<{
    round: number;
    contender: Contender;
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    cpuUsPerResponse: number | null;
  }>;
}

function failuresOf(result: LoadResult, expected: number[]): number {
  let failures = result.errors;
  for (const [status, count] of Object.entries(result.statuses)) {
    if (!expected.includes(Number(status))) failures += count;
  }
  return failures;
}

function figuresOf(results: LoadResult[], expected: number[]): Figures {
  const cpu = results.flatMap((r) => (r.serverCpuUsPerResponse === null ? [] : [r.serverCpuUsPerResponse]));
  return {
    cpuUsPerResponse: cpu.length === 0 ? null : round(median(cpu), 1),
    requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
    p50Ms: round(median(results.map((r) => r.p50Ms)), 3),
    p99Ms: round(median(results.map((r) => r.p99Ms)), 3),
    failures: results.reduce((sum, r) => sum + failuresOf(r, expected), 0),
  };
}

/** Per round, `measure(a) ÷ measure(b)`, then the median of those ratios (NaN when none). */
function pairedRatio(samples: Sample[], a: Contender, b: Contender, measure: (r: LoadResult) => number | null): number {
  const rounds = [...new Set(samples.map((s) => s.round))];
  const ratios = rounds.flatMap((n) => {
    const x = samples.find((s) => s.round === n && s.contender === a);
    const y = samples.find((s) => s.round === n && s.contender === b);
    const [mx, my] = [x && measure(x.result), y && measure(y.result)];
    return typeof mx === "number" && typeof my === "number" ? [mx / my] : [];
  });
  return round(median(ratios), 3);
}

/** Turns a scenario's samples into its results. */
export function aggregateScenario(
  scenario: Scenario,
  samples: Sample[],
  skipped: Record<string, string>,
): ScenarioResult {
  // The floor and the direct client answer 200 to everything; the KV worker and bare Hono what the scenario expects.
  const expected = (contender: Contender) =>
    contender.startsWith("kv-") || contender.startsWith("bare-hono") ? scenario.expectedStatuses : [200];
  const of = (contender: Contender) => samples.filter((s) => s.contender === contender).map((s) => s.result);
  const figures = (contender: Contender) =>
    of(contender).length === 0 ? null : figuresOf(of(contender), expected(contender));
  const backend = (contender: Contender): BackendFigures | null => {
    const own = figures(contender);
    if (own === null) return null;
    const cpuRatio = pairedRatio(samples, "floor", contender, (r) => r.serverCpuUsPerResponse);
    return {
      ...own,
      ratioToFloor: pairedRatio(samples, contender, "floor", (r) => r.requestsPerSecond),
      cpuRatioToFloor: Number.isNaN(cpuRatio) ? null : cpuRatio,
    };
  };
  const memory = backend("kv-memory");
  const bareHono = backend("bare-hono");
  const bareHonoHeaders = backend("bare-hono-headers");
  // The Map worker against a reference: req/s ÷ the reference's, and the reference's CPU per response ÷ its own.
  const againstReference = (reference: Contender) => {
    const cpuRatio = pairedRatio(samples, reference, "kv-memory", (r) => r.serverCpuUsPerResponse);
    return {
      rps: pairedRatio(samples, "kv-memory", reference, (r) => r.requestsPerSecond),
      cpu: Number.isNaN(cpuRatio) ? null : cpuRatio,
    };
  };
  if (memory !== null && bareHono !== null) {
    const { rps, cpu } = againstReference("bare-hono");
    memory.ratioToBareHono = rps;
    memory.cpuRatioToBareHono = cpu;
  }
  if (memory !== null && bareHonoHeaders !== null) {
    const { rps, cpu } = againstReference("bare-hono-headers");
    memory.ratioToBareHonoHeaders = rps;
    memory.cpuRatioToBareHonoHeaders = cpu;
  }
  const upstash = backend("kv-upstash");
  const serial = figures("kv-upstash-serial");
  const directSerial = figures("direct-serial");
  if (upstash !== null && serial !== null && directSerial !== null) {
    upstash.serial = serial;
    upstash.directSerial = directSerial;
    upstash.p50OverDirect = pairedRatio(samples, "kv-upstash-serial", "direct-serial", (r) => r.p50Ms);
  }
  return {
    id: scenario.id,
    title: scenario.title,
    api: scenario.api,
    floor: figures("floor"),
    bareHono,
    bareHonoHeaders,
    memory,
    upstash,
    skipped,
    runs: samples.map(({ round: n, contender, result }) => ({
      round: n,
      contender,
      requestsPerSecond: Math.round(result.requestsPerSecond),
      p50Ms: round(result.p50Ms, 3),
      p99Ms: round(result.p99Ms, 3),
      cpuUsPerResponse: result.serverCpuUsPerResponse === null ? null : round(result.serverCpuUsPerResponse, 1),
    })),
  };
}
