import type { ScenarioResult } from "./aggregate";
import type { BackupResult } from "./backup/measure-backup";
import type { BundleSize } from "./bundle-size";
import type { ColdStartResult } from "./cold-start/measure-cold-start";
import type { RoundTripResult } from "./round-trips";
import { TXN_SCENARIO_ID } from "./scenarios";

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
      const withHeaders = memory?.cpuRatioToBareHonoHeaders;
      const headersNote =
        withHeaders === null || withHeaders === undefined
          ? ""
          : `; against bare Hono sending the same answer headers, by workerd CPU ${withHeaders.toFixed(2)}×`;
      return {
        target: `Map backend ${result.title} ≥ ${MAP_BARE_HONO_RATIO.toFixed(2)}× bare Hono req/s`,
        measured:
          memory === null || bareHono === null || ratio === undefined
            ? `not measured: ${result.skipped["memory"] ?? "no bare Hono figures"}`
            : `${ratio.toFixed(2)}× (${memory.requestsPerSecond} vs ${bareHono.requestsPerSecond} req/s` +
              (cpu === null || cpu === undefined ? "" : `; by workerd CPU per request ${cpu.toFixed(2)}×`) +
              `${headersNote})`,
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
  // The transaction has a target of its own (txnTarget), its round trip included.
  return results
    .filter((result) => result.id !== TXN_SCENARIO_ID)
    .map((result) => {
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
  const held = roundTrips.calls.filter((call) => call.mustBeOne && call.idempotency === "none");
  const over = held.filter((call) => call.httpRequests !== 1);
  return {
    target,
    measured:
      over.length === 0
        ? `every one of ${held.length} calls: 1 request`
        : over.map((call) => `${call.call}: ${call.httpRequests}`).join("; "),
    held: over.length === 0,
  };
}

/** Issue 13: a write sent with an Idempotency-Key, or retried with it, is still one request to Upstash. */
function idempotencyRoundTrips(roundTrips: RoundTripResult | null): TargetVerdict {
  const target =
    "Idempotency-Key costs no extra round trip: every write route sent with a fresh key, and retried with the same key " +
    "(answered `Idempotent-Replayed: true`), makes 1 HTTP request to Upstash";
  if (roundTrips === null) return { target, measured: "not measured: no Upstash backend in this run", held: null };
  const keyed = roundTrips.calls.filter((call) => call.idempotency !== "none");
  if (keyed.length === 0) return { target, measured: "not measured: no write route took the header", held: null };
  const requestsOf = (name: string | undefined) => roundTrips.calls.find((call) => call.call === name)?.httpRequests;
  const wrong = keyed.flatMap((call) => {
    const problems: string[] = [];
    if (call.httpRequests !== 1) {
      const plain = requestsOf(call.withoutKey);
      problems.push(`${call.httpRequests} requests${plain === undefined ? "" : ` (${plain} without the key)`}`);
    }
    if (call.idempotency === "replay" && !call.replayed)
      problems.push(`answered ${call.status} without Idempotent-Replayed`);
    return problems.length === 0 ? [] : [`${call.call}: ${problems.join(", ")}`];
  });
  const fresh = keyed.filter((call) => call.idempotency === "fresh").length;
  return {
    target,
    measured:
      wrong.length === 0
        ? `every one of ${fresh} routes with a fresh key and ${keyed.length - fresh} retries: 1 request`
        : `${keyed.length - wrong.length} of ${keyed.length} calls: 1 request; ${wrong.join("; ")}`,
    held: wrong.length === 0,
  };
}

/** Issue 14: a transaction of 10 ops on the Upstash path in one round trip, p50 at most 1.25× the direct client's same script. */
function txnTarget(results: ScenarioResult[], roundTrips: RoundTripResult | null, measured: boolean): TargetVerdict {
  const result = results.find((candidate) => candidate.id === TXN_SCENARIO_ID);
  const target =
    `Upstash ${result?.title ?? "POST /v1/txn"}: one HTTP request to Upstash, worker p50 ≤ ${UPSTASH_P50_OVERHEAD}× ` +
    "direct @upstash/redis p50 (EVALSHA of the same script with the same arguments)";
  const upstash = result?.upstash ?? null;
  const ratio = upstash?.p50OverDirect;
  const call = roundTrips?.calls.find((c) => c.route === "POST /v1/txn" && c.idempotency === "none");
  if (!measured || result === undefined || ratio === undefined || Number.isNaN(ratio) || call === undefined) {
    const why = !measured ? "no Upstash backend in this run" : (result?.skipped.upstash ?? "no figures");
    return { target, measured: `not measured: ${why}`, held: null };
  }
  return {
    target,
    measured:
      `${call.httpRequests} request${call.httpRequests === 1 ? "" : "s"} (${call.commandsSent.join(", ")}); ` +
      `${ratio.toFixed(2)}× (${upstash?.serial?.p50Ms} vs ${upstash?.directSerial?.p50Ms} ms, one request at a time)`,
    held: call.httpRequests === 1 && ratio <= UPSTASH_P50_OVERHEAD,
  };
}

function bundle(size: BundleSize): TargetVerdict {
  return {
    target: `Deployed bundle ≤ ${kib(BUNDLE_GZIP_LIMIT_BYTES)} gzip`,
    measured: `${kib(size.gzipBytes)} gzip (${kib(size.bytes)} raw)`,
    held: size.gzipBytes <= BUNDLE_GZIP_LIMIT_BYTES,
  };
}

const BACKEND_NAMES = { memory: "Map backend", upstash: "Upstash backend through the bridge" } as const;

/** Run-to-run noise of workerd's peak RSS growth during an export (GC timing), below which growth means nothing. */
export const EXPORT_GROWTH_NOISE_MIB = 4;

/**
 * Issue 13: an export holds a page at a time, so its memory does not grow
 * with the number of keys. Held when, per backend, workerd's peak growth
 * exporting the larger count exceeds that of the smaller by less than the
 * extra NDJSON (which an export holding every line would need on top, and
 * more for the entries it read), or than the noise of the measure when that
 * is larger. The exports after the first are compared, their median (one may
 * step up once while V8 grows its heap; what an export holds, each would show):
 * the first after an import also pays for the V8 heap growing to its working
 * size (reported beside).
 */
function exportFlat(backup: BackupResult | null): TargetVerdict[] {
  if (backup === null) {
    return [{ target: "Export memory flat as the key count grows", measured: "not measured", held: null }];
  }
  return (["memory", "upstash"] as const).flatMap((backend) => {
    const runs = backup.runs.filter((run) => run.backend === backend).sort((a, b) => a.keys - b.keys);
    const small = runs[0];
    const large = runs.at(-1);
    if (small === undefined || large === undefined || small === large) return [];
    const extraMiB = (large.bytes - small.bytes) / 2 ** 20;
    const allowedMiB = Math.max(extraMiB, EXPORT_GROWTH_NOISE_MIB);
    const difference = large.laterExportGrowthMiB - small.laterExportGrowthMiB;
    const n = (keys: number) => keys.toLocaleString("en-US");
    return [
      {
        target:
          `Export memory flat (${BACKEND_NAMES[backend]}): workerd's peak RSS growth exporting ${n(large.keys)} keys ` +
          `exceeds that of ${n(small.keys)} keys by less than the extra NDJSON (${extraMiB.toFixed(1)} MiB), ` +
          `or ${EXPORT_GROWTH_NOISE_MIB} MiB (the measure's noise) when that is more`,
        measured:
          `+${large.laterExportGrowthMiB} vs +${small.laterExportGrowthMiB} MiB (median of the later exports; ` +
          `highest +${large.laterExportGrowthHighestMiB} vs +${small.laterExportGrowthHighestMiB}; first export after the import: ` +
          `+${large.firstExportGrowthMiB} vs +${small.firstExportGrowthMiB} MiB); peak ${large.exportPeakMiB} MiB; ` +
          `export ${n(large.exportKeysPerSecond)} keys/s, import ${n(large.importKeysPerSecond)} keys/s`,
        held: difference < allowedMiB,
      },
    ];
  });
}

/** Every target of issues 7, 11, 13 and 14, judged on this run's results. */
export function judgeTargets(input: {
  scenarios: ScenarioResult[];
  bareHonoTargetIds: Set<string>;
  roundTrips: RoundTripResult | null;
  bundle: BundleSize;
  upstashMeasured: boolean;
  coldStart: ColdStartResult | null;
  backup: BackupResult | null;
}): TargetVerdict[] {
  return [
    ...mapVsBareHono(input.scenarios, input.bareHonoTargetIds),
    ...upstashOverhead(input.scenarios, input.upstashMeasured),
    txnTarget(input.scenarios, input.roundTrips, input.upstashMeasured),
    oneRoundTrip(input.roundTrips),
    idempotencyRoundTrips(input.roundTrips),
    ...exportFlat(input.backup),
    bundle(input.bundle),
    coldStart(input.coldStart),
  ];
}
