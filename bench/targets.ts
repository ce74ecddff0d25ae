import type { ScenarioResult } from "./aggregate";
import type { BundleSize } from "./bundle-size";
import type { ColdStartResult } from "./cold-start/measure-cold-start";
import type { RoundTripResult } from "./round-trips";

/** A performance target (issues 7 and 11) and whether this run held it. */
export interface TargetVerdict {
  target: string;
  /** What was measured, in words and numbers. */
  measured: string;
  /** null when the run could not measure it (say why in `measured`). */
  held: boolean | null;
}

export const MAP_BARE_HONO_RATIO = 0.9;
export const UPSTASH_P50_OVERHEAD = 1.25;
export const BUNDLE_GZIP_LIMIT_BYTES = 100 * 1024;
export const COLD_START_BARE_HONO_RATIO = 1.5;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Map backend GET and SET at or above 0.90× bare Hono's req/s: one verdict per scenario held to it. */
function mapVsBareHono(results: ScenarioResult[], targetIds: Set<string>): TargetVerdict[] {
  return results
    .filter((result) => targetIds.has(result.id))
    .map((result) => {
      const { memory, bareHono } = result;
      const ratio = memory?.ratioToBareHono;
      const cpu = memory?.cpuRatioToBareHono;
      return {
        target: `Map backend ${result.title} ≥ ${MAP_BARE_HONO_RATIO.toFixed(2)}× bare Hono req/s`,
        measured:
          memory === null || bareHono === null || ratio === undefined
            ? `not measured: ${result.skipped["memory"] ?? "no bare Hono figures"}`
            : `${ratio.toFixed(2)}× (${memory.requestsPerSecond} vs ${bareHono.requestsPerSecond} req/s` +
              (cpu === null || cpu === undefined ? ")" : `; by workerd CPU per request ${cpu.toFixed(2)}×)`),
        held: ratio === undefined ? null : ratio >= MAP_BARE_HONO_RATIO,
      };
    });
}

/** edge-kv's start-up (workerd start to first 200) at most 1.5× bare Hono's. */
function coldStart(result: ColdStartResult | null): TargetVerdict {
  const target = `Cold start: edge-kv's time from workerd start to first 200 ≤ ${COLD_START_BARE_HONO_RATIO}× bare Hono's`;
  if (result === null || Number.isNaN(result.kvOverBareHono)) return { target, measured: "not measured", held: null };
  const kv = result.figures["kv-memory"];
  const hono = result.figures["bare-hono"];
  const cpu = result.kvOverBareHonoCpu;
  return {
    target,
    measured:
      `${result.kvOverBareHono.toFixed(2)}× (${kv.toFirstResponseMs?.toFixed(1)} vs ${hono.toFirstResponseMs?.toFixed(1)} ms, median of ` +
      `${result.repetitions} starts` +
      (cpu === null ? ")" : `; by workerd CPU to the first response ${cpu.toFixed(2)}×)`),
    held: result.kvOverBareHono <= COLD_START_BARE_HONO_RATIO,
  };
}

/** Upstash path: worker p50 at most 1.25× the direct client's p50 for the same operations. */
function upstashOverhead(results: ScenarioResult[], measured: boolean): TargetVerdict[] {
  if (!measured) {
    return [
      {
        target: `Upstash path: worker p50 ≤ ${UPSTASH_P50_OVERHEAD}× direct @upstash/redis p50`,
        measured: "not measured: no Upstash backend in this run (see notes)",
        held: null,
      },
    ];
  }
  return results.map((result) => {
    const upstash = result.upstash;
    const ratio = upstash?.p50OverDirect;
    return {
      target: `Upstash ${result.title}: worker p50 ≤ ${UPSTASH_P50_OVERHEAD}× direct @upstash/redis p50`,
      measured:
        upstash === null || ratio === undefined || upstash.serial === undefined || upstash.directSerial === undefined
          ? `not measured: ${result.skipped["upstash"] ?? "no direct client figures"}`
          : `${ratio.toFixed(2)}× (${upstash.serial.p50Ms} vs ${upstash.directSerial.p50Ms} ms, one request at a time)`,
      held: ratio === undefined ? null : ratio <= UPSTASH_P50_OVERHEAD,
    };
  });
}

function oneRoundTrip(roundTrips: RoundTripResult | null): TargetVerdict {
  const target = "One HTTP request to Upstash per API call (single key and whole batch)";
  if (roundTrips === null) return { target, measured: "not measured: no Upstash backend in this run", held: null };
  const over = roundTrips.calls.filter((call) => call.httpRequests !== 1 && call.mustBeOne);
  return {
    target,
    measured:
      over.length === 0
        ? `every one of ${roundTrips.calls.filter((call) => call.mustBeOne).length} calls: 1 request`
        : over.map((call) => `${call.call}: ${call.httpRequests}`).join("; "),
    held: over.length === 0,
  };
}

function bundle(size: BundleSize): TargetVerdict {
  return {
    target: `Deployed bundle ≤ ${kib(BUNDLE_GZIP_LIMIT_BYTES)} gzip`,
    measured: `${kib(size.gzipBytes)} gzip (${kib(size.bytes)} raw)`,
    held: size.gzipBytes <= BUNDLE_GZIP_LIMIT_BYTES,
  };
}

/** Every target of issues 7 and 11, judged on this run's results. */
export function judgeTargets(input: {
  scenarios: ScenarioResult[];
  bareHonoTargetIds: Set<string>;
  roundTrips: RoundTripResult | null;
  bundle: BundleSize;
  upstashMeasured: boolean;
  coldStart: ColdStartResult | null;
}): TargetVerdict[] {
  return [
    ...mapVsBareHono(input.scenarios, input.bareHonoTargetIds),
    ...upstashOverhead(input.scenarios, input.upstashMeasured),
    oneRoundTrip(input.roundTrips),
    bundle(input.bundle),
    coldStart(input.coldStart),
  ];
}
