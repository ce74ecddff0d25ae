import { randomBytes } from "node:crypto";
import { copyFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeployedBuild } from "./build";
import { type WorkerSpec, workerdConfigText } from "./workerd/capnp-config";
import { type RunningWorkerd, startWorkerd } from "./workerd/serve";

const FLOOR_SOURCE = fileURLToPath(new URL("./floor-worker.js", import.meta.url));

/** The workers one workerd process serves for a bench run. */
export type WorkerName =
  | "floor"
  | "bare-hono"
  | "bare-hono-headers"
  | "kv-memory"
  | "kv-upstash"
  | "kv-upstash-counted";

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

/** workerd serving the deployed bundle beside the floor worker and bare Hono. */
export interface Fleet {
  tokens: BenchTokens;
  /** `http://127.0.0.1:<port>` of each worker that runs. */
  origins: Partial<Record<WorkerName, string>>;
  workerd: RunningWorkerd;
  stop(): Promise<void>;
}

/** The bundles a bench run serves. */
export interface FleetBuilds {
  /** edge-kv as deployed. */
  kv: DeployedBuild;
  /** The bare Hono reference. */
  bareHono: DeployedBuild;
  /** The bare Hono reference answering with edge-kv's answer headers (served when built). */
  bareHonoHeaders?: DeployedBuild;
}

export function newTokens(): BenchTokens {
  return { write: randomBytes(24).toString("hex"), admin: randomBytes(24).toString("hex") };
}

/**
 * Workers of one kind, as capnp specs for a config file in `dir` (capnp
 * resolves embed paths relative to the config file). Copies the floor worker
 * into `dir`, as workerd loads it as it is.
 */
export class WorkerSpecs {
  private constructor(
    private readonly dir: string,
    private readonly builds: FleetBuilds,
    private readonly tokens: BenchTokens,
  ) {}

  static async in(dir: string, builds: FleetBuilds, tokens: BenchTokens): Promise<WorkerSpecs> {
    await copyFile(FLOOR_SOURCE, join(dir, "floor.js"));
    return new WorkerSpecs(dir, builds, tokens);
  }

  private bundle(name: WorkerName, build: DeployedBuild, textBindings: Record<string, string>): WorkerSpec {
    return {
      name,
      modules: build.modules.map((module) => ({ name: module, path: relative(this.dir, join(build.outdir, module)) })),
      compatibilityDate: build.compatibilityDate,
      compatibilityFlags: build.compatibilityFlags,
      textBindings,
    };
  }

  floor(): WorkerSpec {
    return {
      name: "floor",
      modules: [{ name: "floor.js", path: "floor.js" }],
      compatibilityDate: this.builds.kv.compatibilityDate,
      compatibilityFlags: [],
      textBindings: {},
    };
  }

  bareHono(): WorkerSpec {
    return this.bundle("bare-hono", this.builds.bareHono, {});
  }

  /** Bare Hono with edge-kv's answer headers, or null when it was not built. */
  bareHonoHeaders(): WorkerSpec | null {
    const build = this.builds.bareHonoHeaders;
    return build === undefined ? null : this.bundle("bare-hono-headers", build, {});
  }

  /** edge-kv with its deployed vars, this run's tokens (every KV worker requires one, as production does) and `overrides`. */
  kv(name: WorkerName, overrides: Record<string, string>): WorkerSpec {
    const { kv } = this.builds;
    return this.bundle(name, kv, {
      ...kv.vars,
      KV_WRITE_TOKENS: this.tokens.write,
      KV_ADMIN_TOKENS: this.tokens.admin,
      ...overrides,
    });
  }

  kvMemory(): WorkerSpec {
    return this.kv("kv-memory", { STORAGE_BACKEND: "memory" });
  }
}

/**
 * Writes a capnp config for this run into `dir` and starts one `workerd serve`
 * with the floor worker, bare Hono (and its variant with edge-kv's answer
 * headers, when built) and the KV worker as deployed: once with
 * the Map backend and, given Upstash endpoints, once against the bridge and
 * once against the counting proxy. All workers share one workerd process; the
 * bench loads one at a time.
 */
export async function startFleet(options: {
  dir: string;
  builds: FleetBuilds;
  upstash: UpstashEndpoints | null;
  inspector?: boolean;
}): Promise<Fleet> {
  const { upstash } = options;
  const tokens = newTokens();
  const specs = await WorkerSpecs.in(options.dir, options.builds, tokens);
  const upstashVars = (url: string, token: string) => ({
    STORAGE_BACKEND: "upstash",
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: token,
  });
  const workers: WorkerSpec[] = [specs.floor(), specs.bareHono(), specs.kvMemory()];
  const withHeaders = specs.bareHonoHeaders();
  if (withHeaders !== null) workers.push(withHeaders);
  if (upstash !== null) {
    workers.push(specs.kv("kv-upstash", upstashVars(upstash.bridgeUrl, upstash.token)));
    workers.push(specs.kv("kv-upstash-counted", upstashVars(upstash.countingUrl, upstash.token)));
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
