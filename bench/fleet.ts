import { randomBytes } from "node:crypto";
import { copyFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeployedBuild } from "./build";
import { type WorkerSpec, workerdConfigText } from "./workerd/capnp-config";
import { type RunningWorkerd, startWorkerd } from "./workerd/serve";

const FLOOR_SOURCE = fileURLToPath(new URL("./floor-worker.js", import.meta.url));

/** The workers one workerd process serves for a bench run. */
export type WorkerName = "floor" | "kv-memory" | "kv-upstash" | "kv-upstash-counted";

/** Where the KV worker's Upstash backend is reached. */
export interface UpstashEndpoints {
  token: string;
  /** The bridge itself (for load). */
  bridgeUrl: string;
  /** The counting proxy in front of it (for round-trip counts). */
  countingUrl: string;
}

/** Bearer tokens the KV workers accept in this run. */
export interface BenchTokens {
  /** KV_WRITE_TOKENS: writes, and reads. */
  write: string;
  /** KV_ADMIN_TOKENS: store-wide operations. */
  admin: string;
}

/** workerd serving the deployed bundle beside the floor worker. */
export interface Fleet {
  tokens: BenchTokens;
  /** `http://127.0.0.1:<port>` of each worker that runs. */
  origins: Partial<Record<WorkerName, string>>;
  workerd: RunningWorkerd;
  stop(): Promise<void>;
}

/**
 * Writes a capnp config for this run into `dir` and starts one `workerd serve`
 * with the floor worker and the KV worker as deployed: once with the Map
 * backend and, given Upstash endpoints, once against the bridge and once
 * against the counting proxy. Every KV worker requires a bearer token, as a
 * production deployment does. All workers share one workerd process; the
 * bench loads one at a time.
 */
export async function startFleet(options: {
  dir: string;
  build: DeployedBuild;
  upstash: UpstashEndpoints | null;
  inspector?: boolean;
}): Promise<Fleet> {
  const { build, upstash } = options;
  const tokens: BenchTokens = { write: randomBytes(24).toString("hex"), admin: randomBytes(24).toString("hex") };
  await copyFile(FLOOR_SOURCE, join(options.dir, "floor.js"));
  const kv = (name: WorkerName, overrides: Record<string, string>): WorkerSpec => ({
    name,
    // capnp resolves embed paths relative to the config file (a leading / means an import path).
    modules: build.modules.map((module) => ({ name: module, path: relative(options.dir, join(build.outdir, module)) })),
    compatibilityDate: build.compatibilityDate,
    compatibilityFlags: build.compatibilityFlags,
    textBindings: { ...build.vars, KV_WRITE_TOKENS: tokens.write, KV_ADMIN_TOKENS: tokens.admin, ...overrides },
  });
  const upstashVars = (url: string, token: string) => ({
    STORAGE_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: token,
  });
  const workers: WorkerSpec[] = [
    {
      name: "floor",
      modules: [{ name: "floor.js", path: "floor.js" }],
      compatibilityDate: build.compatibilityDate,
      compatibilityFlags: [],
      textBindings: {},
    },
    kv("kv-memory", { STORAGE_BACKEND: "memory" }),
  ];
  if (upstash !== null) {
    workers.push(kv("kv-upstash", upstashVars(upstash.bridgeUrl, upstash.token)));
    workers.push(kv("kv-upstash-counted", upstashVars(upstash.countingUrl, upstash.token)));
  }
  const configPath = join(options.dir, "workerd.capnp");
  await writeFile(configPath, workerdConfigText(workers));
  const workerd = await startWorkerd({
    configPath,
    socketNames: workers.map((worker) => worker.name),
    inspector: options.inspector ?? false,
  });
  const origins: Fleet["origins"] = {};
  for (const worker of workers) {
    origins[worker.name as WorkerName] = `http://127.0.0.1:${workerd.ports.get(worker.name)}`;
  }
  return { tokens, origins, workerd, stop: () => workerd.stop() };
}
