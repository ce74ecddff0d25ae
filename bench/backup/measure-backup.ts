import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FleetBuilds, newTokens, WorkerSpecs } from "../fleet";
import { peakResidentBytes, resetPeakResident, residentBytes, sampleResident } from "../process-memory";
import { median, round } from "../stats";
import { workerdConfigText } from "../workerd/capnp-config";
import { startWorkerd } from "../workerd/serve";

/** The backend a backup run measures. */
export type BackupBackend = "memory" | "upstash";

/** One export of every key of a run. */
export interface ExportRun {
  seconds: number;
  keysPerSecond: number;
  bytes: number;
  /** workerd's resident memory just before the export began, MiB. */
  residentBeforeMiB: number;
  /** Its highest resident memory during the export, MiB (the kernel's high-water mark, reset before; sampled when refused). */
  peakMiB: number;
  /** peakMiB − residentBeforeMiB. */
  growthMiB: number;
  /** Where the peak comes from: the kernel's high-water mark (reset before the export), or samples every 5 ms. */
  peakFrom: "VmHWM" | "samples";
}

/** Import, then exports, of `keys` keys on one backend, in a workerd of its own. */
export interface BackupRun {
  backend: BackupBackend;
  keys: number;
  /** NDJSON bytes imported (and about what each export streams). */
  bytes: number;
  importRequests: number;
  importSeconds: number;
  importKeysPerSecond: number;
  /** workerd's resident memory when it had started, before any key, MiB. */
  residentAtStartMiB: number;
  exports: ExportRun[];
  /** Median over the exports. */
  exportKeysPerSecond: number;
  /**
   * Peak growth of the first export after the import: it also pays for the V8
   * heap growing to its working size, garbage not yet collected included.
   */
  firstExportGrowthMiB: number;
  /**
   * The median peak growth of the exports after the first: what an export
   * itself holds. (One export in a run may step up once while V8 grows its
   * heap, and the exports after it do not: the median is not moved by it.)
   */
  laterExportGrowthMiB: number;
  /** The highest peak growth of the exports after the first, shown beside the median. */
  laterExportGrowthHighestMiB: number;
  /** The highest resident memory over all the exports, MiB. */
  exportPeakMiB: number;
}

export interface BackupResult {
  /** Exports of each run's keys, one after the other; every one is reported. */
  exportsPerRun: number;
  /** Largest import request body, bytes (the CLI splits a file likewise under KV_MAX_IMPORT_BYTES). */
  importRequestBytes: number;
  runs: BackupRun[];
}

/** Key counts per backend: the issue's figure and a tenth of it, to show the export's memory does not grow with them. */
export const BACKUP_SIZES: Record<BackupBackend, { full: number[]; quick: number[] }> = {
  memory: { full: [10_000, 100_000], quick: [1_000, 10_000] },
  upstash: { full: [2_000, 20_000], quick: [200, 2_000] },
};

const IMPORT_REQUEST_BYTES = 2 * 1024 * 1024;
const SAMPLE_EVERY_MS = 5;
const MiB = 1024 * 1024;
const mib = (bytes: number) => round(bytes / MiB, 1);

/** A value of about 80 bytes of JSON, as the throughput scenarios write, numbered. */
function lineOf(prefix: string, i: number): string {
  const value = { user: `u-${i}`, plan: "pro", quota: 5000, tags: ["alpha", "beta"], active: true };
  return `${JSON.stringify({ key: `${prefix}${String(i).padStart(7, "0")}`, value })}\n`;
}

/** The NDJSON of `keys` keys, cut into request bodies of at most IMPORT_REQUEST_BYTES. */
function importBodies(prefix: string, keys: number): { bodies: string[]; bytes: number } {
  const bodies: string[] = [];
  let body = "";
  let bytes = 0;
  for (let i = 0; i < keys; i++) {
    const line = lineOf(prefix, i);
    bytes += line.length;
    if (body.length + line.length > IMPORT_REQUEST_BYTES) {
      bodies.push(body);
      body = "";
    }
    body += line;
  }
  if (body !== "") bodies.push(body);
  return { bodies, bytes };
}

async function importAll(origin: string, token: string, bodies: string[], keys: number): Promise<number> {
  const begun = performance.now();
  let imported = 0;
  for (const body of bodies) {
    const response = await fetch(`${origin}/v1/import`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-ndjson" },
      body,
    });
    const text = await response.text();
    const answer = JSON.parse(text) as { imported?: number; failed?: unknown[] };
    if (response.status !== 200 || (answer.failed?.length ?? 0) > 0) {
      throw new Error(`POST /v1/import answered ${response.status}: ${text.slice(0, 300)}`);
    }
    imported += answer.imported ?? 0;
  }
  if (imported !== keys) throw new Error(`the import wrote ${imported} keys of ${keys}`);
  return (performance.now() - begun) / 1000;
}

/** Streams the export of `prefix`, counting its lines as they come; checks every key came and no error line. */
async function exportAll(origin: string, token: string, prefix: string, keys: number, pid: number): Promise<ExportRun> {
  const reset = resetPeakResident(pid);
  const before = residentBytes(pid) ?? 0;
  const sampler = sampleResident(pid, SAMPLE_EVERY_MS);
  const begun = performance.now();
  const response = await fetch(`${origin}/v1/export?prefix=${encodeURIComponent(prefix)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || response.body === null) {
    sampler.stop();
    throw new Error(`GET /v1/export answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  let lines = 0;
  let bytes = 0;
  let tail: Uint8Array = new Uint8Array();
  for await (const chunk of response.body) {
    const data = chunk as Uint8Array;
    bytes += data.length;
    for (const byte of data) if (byte === 0x0a) lines++;
    tail = data.length >= 200 ? data.subarray(data.length - 200) : data;
  }
  const seconds = (performance.now() - begun) / 1000;
  const sampled = sampler.stop() ?? before;
  const peak = reset ? Math.max(peakResidentBytes(pid) ?? 0, sampled) : sampled;
  const lastLine = new TextDecoder().decode(tail).trimEnd().split("\n").at(-1) ?? "";
  if (lines !== keys + 1 || lastLine.startsWith('{"error"')) {
    throw new Error(`the export of ${keys} keys sent ${lines} lines, the last: ${lastLine.slice(0, 300)}`);
  }
  return {
    seconds: round(seconds, 3),
    keysPerSecond: Math.round(keys / seconds),
    bytes,
    residentBeforeMiB: mib(before),
    peakMiB: mib(peak),
    growthMiB: mib(peak - before),
    peakFrom: reset ? "VmHWM" : "samples",
  };
}

/**
 * One backend and key count: a new `workerd serve` with edge-kv alone (as
 * deployed, Map backend or the bridge), the keys imported through
 * `POST /v1/import` (timed), then exported `exportsPerRun` times through
 * `GET /v1/export` while workerd's resident memory is watched.
 */
async function measureOne(options: {
  dir: string;
  builds: FleetBuilds;
  backend: BackupBackend;
  keys: number;
  exportsPerRun: number;
  upstash: { bridgeUrl: string; token: string } | null;
}): Promise<BackupRun> {
  const { backend, keys } = options;
  const dir = join(options.dir, `${backend}-${keys}`);
  await mkdir(dir, { recursive: true });
  const tokens = newTokens();
  const specs = await WorkerSpecs.in(dir, options.builds, tokens);
  const name = backend === "memory" ? "kv-memory" : "kv-upstash";
  const overrides: Record<string, string> =
    options.upstash === null
      ? { STORAGE_BACKEND: "memory" }
      : {
          STORAGE_BACKEND: "upstash",
          UPSTASH_REDIS_REST_URL: options.upstash.bridgeUrl,
          UPSTASH_REDIS_REST_TOKEN: options.upstash.token,
        };
  const configPath = join(dir, "workerd.capnp");
  await writeFile(configPath, workerdConfigText([specs.kv(name, overrides)]));
  const workerd = await startWorkerd({ configPath, socketNames: [name] });
  try {
    const origin = `http://127.0.0.1:${workerd.ports.get(name)}`;
    // The first answer builds the worker's setup; memory is counted from there.
    await fetch(`${origin}/`).then((response) => response.arrayBuffer());
    const residentAtStart = residentBytes(workerd.pid) ?? 0;
    const prefix = `bench:backup:${Date.now()}:`;
    const { bodies, bytes } = importBodies(prefix, keys);
    const importSeconds = await importAll(origin, tokens.write, bodies, keys);
    const exports: ExportRun[] = [];
    for (let i = 0; i < options.exportsPerRun; i++) {
      exports.push(await exportAll(origin, tokens.write, prefix, keys, workerd.pid));
    }
    return {
      backend,
      keys,
      bytes,
      importRequests: bodies.length,
      importSeconds: round(importSeconds, 3),
      importKeysPerSecond: Math.round(keys / importSeconds),
      residentAtStartMiB: mib(residentAtStart),
      exports,
      exportKeysPerSecond: Math.round(median(exports.map((run) => run.keysPerSecond))),
      firstExportGrowthMiB: exports[0]?.growthMiB ?? Number.NaN,
      laterExportGrowthMiB: round(median(exports.slice(1).map((run) => run.growthMiB)), 1),
      laterExportGrowthHighestMiB: Math.max(...exports.slice(1).map((run) => run.growthMiB)),
      exportPeakMiB: Math.max(...exports.map((run) => run.peakMiB)),
    };
  } finally {
    await workerd.stop();
  }
}

/**
 * Export memory and speed (issue 13): for each backend, the smaller key count
 * then the larger, each in a new workerd process so that the memory before an
 * export holds only that run's keys.
 */
export async function measureBackup(options: {
  dir: string;
  builds: FleetBuilds;
  /** Key counts per backend, smaller first (BACKUP_SIZES). */
  sizes: Record<BackupBackend, number[]>;
  exportsPerRun: number;
  upstash: { bridgeUrl: string; token: string } | null;
  log: (line: string) => void;
}): Promise<BackupResult> {
  if (options.exportsPerRun < 2)
    throw new Error("measureBackup needs at least 2 exports per run (the first is set apart)");
  const runs: BackupRun[] = [];
  const backends: BackupBackend[] = options.upstash === null ? ["memory"] : ["memory", "upstash"];
  for (const backend of backends) {
    for (const keys of options.sizes[backend]) {
      const run = await measureOne({
        dir: options.dir,
        builds: options.builds,
        backend,
        keys,
        exportsPerRun: options.exportsPerRun,
        upstash: backend === "upstash" ? options.upstash : null,
      });
      options.log(
        `backup ${backend} ${keys} keys: import ${run.importKeysPerSecond} keys/s, export ${run.exportKeysPerSecond} keys/s, ` +
          `workerd ${run.exports[0]?.residentBeforeMiB} MiB before, peak growth ${run.firstExportGrowthMiB} MiB ` +
          `(first export), ${run.laterExportGrowthMiB} MiB (later ones, median; highest ${run.laterExportGrowthHighestMiB})`,
      );
      runs.push(run);
    }
  }
  return {
    exportsPerRun: options.exportsPerRun,
    importRequestBytes: IMPORT_REQUEST_BYTES,
    runs,
  };
}
