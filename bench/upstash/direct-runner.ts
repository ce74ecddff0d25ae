import { Redis } from "@upstash/redis";
import type { Fleet } from "../fleet";
import { send } from "../http-request";
import type { LoadResult } from "../load";
import type { DirectLoad, PlannedScenario } from "../measure";
import type { Scenario } from "../scenarios";
import { quantile } from "../stats";
import type { RestCommand, UpstashCall } from "./counting-proxy";
import type { UpstashStack } from "./stack";

/** The Redis commands one API request of a scenario sends, one HTTP request each, to be replayed as they were. */
type Replay = RestCommand[];

/**
 * The client as the worker's backend configures it (src/store/upstash/gateway.ts):
 * raw replies, one HTTP request per call, no telemetry; from Node.
 */
function directClient(url: string, token: string): Redis {
  return new Redis({
    url,
    token,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}

/**
 * Requests of a cycle recorded for replay: every cycle's first ten keep its
 * mix (8 reads, 2 writes in the mixed ones); recording is one request at a time.
 */
const RECORDED_REQUESTS = 10;

/** Records, through the counting proxy, the exact Upstash calls each request of a scenario's cycle makes. */
async function recordReplays(scenario: Scenario, origin: string, stack: UpstashStack): Promise<Replay[]> {
  const replays: Replay[] = [];
  stack.proxy.take();
  for (const request of scenario.cycle.slice(0, RECORDED_REQUESTS)) {
    await send(origin, request);
    replays.push(stack.proxy.take().map((call) => singleCommand(call, scenario)));
  }
  return replays;
}

/**
 * The command of a call to `/`. The worker's backend sends nothing else; a
 * pipeline would need a generic pipeline method, which @upstash/redis 1.39 lacks.
 */
function singleCommand(call: UpstashCall, scenario: Scenario): RestCommand {
  const [command] = call.commands;
  if (call.endpoint !== "/" || call.commands.length !== 1 || command === undefined) {
    throw new Error(`${scenario.id}: cannot replay a call to ${call.endpoint} (${call.names.join(", ")})`);
  }
  return command;
}

async function replay(redis: Redis, commands: Replay): Promise<void> {
  for (const command of commands) await redis.exec(command);
}

/**
 * Runs `concurrency` loops for `seconds`, each replaying the scenario's
 * recorded calls in cycle order with @upstash/redis against the bridge, and
 * times each API request's worth of calls.
 */
async function runReplays(redis: Redis, replays: Replay[], concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    for (let i = 0; performance.now() < end; i = (i + 1) % replays.length) {
      const begun = performance.now();
      try {
        await replay(redis, replays[i]!);
        latencies.push(performance.now() - begun);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    responses: latencies.length,
    statuses: { "200": latencies.length },
    errors,
    serverCpuUsPerResponse: null,
  };
}

/**
 * The direct client contender: for each scenario, the Redis calls the worker
 * makes for each request of the cycle are recorded once through the counting
 * proxy, then replayed with @upstash/redis straight to the bridge. "Same
 * operations" is thus exact: same endpoint, same commands, same arguments.
 */
export async function directRunner(options: {
  stack: UpstashStack;
  fleet: Fleet;
  plan: PlannedScenario[];
}): Promise<DirectLoad> {
  const origin = options.fleet.origins["kv-upstash-counted"];
  if (origin === undefined) throw new Error("the counted Upstash worker is not running");
  const redis = directClient(options.stack.bridgeUrl, options.stack.token);
  const replays = new Map<string, Replay[]>();
  for (const { scenario, contenders } of options.plan) {
    if (contenders.includes("direct-serial"))
      replays.set(scenario.id, await recordReplays(scenario, origin, options.stack));
  }
  return (scenario, concurrency, seconds) => {
    const recorded = replays.get(scenario.id);
    if (recorded === undefined) throw new Error(`no recorded calls for ${scenario.id}`);
    return runReplays(redis, recorded, concurrency, seconds);
  };
}
