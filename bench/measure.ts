import { type LoadResult, runLoad } from "./load";
import { processCpuMicros } from "./process-cpu";
import type { Scenario } from "./scenarios";

/**
 * What is loaded in one run. Under load (the scenario's connections): a KV
 * worker, bare Hono or the floor worker. One request at a time ("serial"): the Upstash
 * worker, and the same Redis calls made directly with @upstash/redis, so their
 * p50s compare latency rather than queueing on a saturated machine.
 */
export type Contender =
  | "kv-memory"
  | "bare-hono"
  | "bare-hono-headers"
  | "floor"
  | "kv-upstash"
  | "kv-upstash-serial"
  | "direct-serial";

/** Requests in flight for the serial contenders. */
export const SERIAL_CONNECTIONS = 1;

/** One timed run of one contender on one scenario. */
export interface Sample {
  round: number;
  contender: Contender;
  result: LoadResult;
}

/** A scenario with the contenders that can run it. */
export interface PlannedScenario {
  scenario: Scenario;
  contenders: Contender[];
}

/** Runs a load against a contender for a scenario (workers through HTTP, the direct client in-process). */
export type LoadRunner = (contender: Contender, scenario: Scenario, seconds: number) => Promise<LoadResult>;

/** Replays a scenario's Redis calls with the direct client, `concurrency` at a time. */
export type DirectLoad = (scenario: Scenario, concurrency: number, seconds: number) => Promise<LoadResult>;

/**
 * A runner that drives the workers by HTTP and the direct client in-process.
 * For the workers it also takes workerd's CPU time per response (only the
 * loaded worker is busy in that process during a run).
 */
export function contenderRunner(options: {
  origins: Partial<Record<"kv-memory" | "bare-hono" | "bare-hono-headers" | "floor" | "kv-upstash", string>>;
  workerdPid: number;
  connections: number;
  direct: DirectLoad | null;
}): LoadRunner {
  return async (contender, scenario, seconds) => {
    if (contender === "direct-serial") {
      if (options.direct === null) throw new Error("no direct client configured");
      return options.direct(scenario, SERIAL_CONNECTIONS, seconds);
    }
    const worker = contender === "kv-upstash-serial" ? "kv-upstash" : contender;
    const origin = options.origins[worker];
    if (origin === undefined) throw new Error(`${worker} is not running`);
    const connections = contender === "kv-upstash-serial" ? SERIAL_CONNECTIONS : options.connections;
    const cpuBefore = processCpuMicros(options.workerdPid);
    const result = await runLoad({ origin, requests: scenario.cycle, connections, durationSeconds: seconds });
    const cpuAfter = processCpuMicros(options.workerdPid);
    if (cpuBefore !== null && cpuAfter !== null && result.responses > 0) {
      result.serverCpuUsPerResponse = (cpuAfter - cpuBefore) / result.responses;
    }
    return result;
  };
}

/**
 * Measures every planned scenario in rounds. Within a round the contenders of
 * a scenario run back to back; the order reverses every other round (ABBA), so
 * a slow drift of the shared machine weighs on every contender alike, and
 * each ratio compares runs made seconds apart. A short unrecorded warm-up run
 * per loaded contender and scenario comes first (JIT, connections, caches).
 */
export async function measureInRounds(options: {
  plan: PlannedScenario[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  run: LoadRunner;
  log: (line: string) => void;
}): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  for (const { scenario, contenders } of options.plan) {
    samples.set(scenario.id, []);
    // The serial contenders run the same code as the loaded ones, which warm it.
    for (const contender of contenders.filter((c) => !c.endsWith("-serial"))) {
      await options.run(contender, scenario, options.warmupSeconds);
    }
  }
  options.log(`warmed up ${options.plan.length} scenarios`);
  for (let round = 1; round <= options.rounds; round++) {
    for (const { scenario, contenders } of options.plan) {
      const order = round % 2 === 1 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const result = await options.run(contender, scenario, options.durationSeconds);
        samples.get(scenario.id)!.push({ round, contender, result });
      }
      options.log(`round ${round}/${options.rounds} ${scenario.id}: ${summary(samples.get(scenario.id)!, round)}`);
    }
  }
  return samples;
}

function summary(samples: Sample[], round: number): string {
  return samples
    .filter((sample) => sample.round === round)
    .map(({ contender, result }) => {
      const cpu = result.serverCpuUsPerResponse === null ? "" : ` ${Math.round(result.serverCpuUsPerResponse)}µs cpu`;
      return `${contender} ${Math.round(result.requestsPerSecond)}/s p50 ${result.p50Ms.toFixed(2)}ms${cpu}`;
    })
    .join(", ");
}
