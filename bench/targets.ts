import type { ScenarioResult } from "./aggregate";
import type { BundleSize } from "./bundle-size";
import type { RoundTripResult } from "./round-trips";

/** A performance target of issue 7 and whether this run held it. */
export interface TargetVerdict {
  target: string;
  /** What was measured, in words and numbers. */
  measured: string;
  /** null when the run could not measure it (say why in `measured`). */
  held: boolean | null;
}

export const MAP_FLOOR_RATIO = 0.85;
export const UPSTASH_P50_OVERHEAD = 1.25;
export const BUNDLE_GZIP_LIMIT_BYTES = 100 * 1024;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Map backend GET and SET at or above 0.85× the floor's req/s: one verdict per scenario held to it. */
function mapVsFloor(results: ScenarioResult[], floorTargetIds: Set<string>): TargetVerdict[] {
  return results
    .filter((result) => floorTargetIds.has(result.id))
    .map((result) => ({
      target: `Map backend ${result.title} ≥ ${MAP_FLOOR_RATIO}× floor req/s`,
      measured:
        result.memory === null
          ? `not measured: ${result.skipped["memory"] ?? "no result"}`
          : `${result.memory.ratioToFloor.toFixed(2)}× (${result.memory.requestsPerSecond} vs ${result.floor?.requestsPerSecond} req/s` +
            (result.memory.cpuRatioToFloor === null
              ? ")"
              : `; by workerd CPU per request ${result.memory.cpuRatioToFloor.toFixed(2)}×)`),
      held: result.memory === null ? null : result.memory.ratioToFloor >= MAP_FLOOR_RATIO,
    }));
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

/** Every target of issue 7, judged on this run's results. */
export function judgeTargets(input: {
  scenarios: ScenarioResult[];
  floorTargetIds: Set<string>;
  roundTrips: RoundTripResult | null;
  bundle: BundleSize;
  upstashMeasured: boolean;
}): TargetVerdict[] {
  return [
    ...mapVsFloor(input.scenarios, input.floorTargetIds),
    ...upstashOverhead(input.scenarios, input.upstashMeasured),
    oneRoundTrip(input.roundTrips),
    bundle(input.bundle),
  ];
}
