import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { unstable_readConfig } from "wrangler";

/** The repository root, with a trailing slash. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The settings of the root wrangler.toml a local run of the worker takes. */
export interface WranglerSettings {
  name: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** wrangler.toml's [vars]; never `.dev.vars` or secrets, so tests start from the defaults. */
  vars: Record<string, string>;
  /** How wrangler bundles the worker: `minify` and `keep_names` (wrangler's defaults where unset). */
  bundling: { minify: boolean; keepNames: boolean };
}

/** The KV worker as one ES module, with the settings of the root wrangler.toml. */
export interface KvWorkerBundle extends WranglerSettings {
  contents: string;
}

/** The wrangler.toml of `root` (the repository's by default): name, compatibility settings, [vars] (each as text), bundling. */
export function wranglerSettings(root = ROOT): WranglerSettings {
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars))
    vars[name] = typeof value === "string" ? value : JSON.stringify(value);
  return {
    name: config.name ?? "edge-kv",
    compatibilityDate: config.compatibility_date ?? "2026-04-01",
    compatibilityFlags: config.compatibility_flags,
    vars,
    bundling: { minify: config.minify ?? false, keepNames: config.keep_names ?? true },
  };
}

/** How esbuild bundles a worker for workerd: one ES module, resolved as wrangler resolves packages for Workers. */
export const WORKER_BUILD_OPTIONS = {
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
} as const satisfies BuildOptions;

let bundled: Promise<KvWorkerBundle> | undefined;

async function bundle(): Promise<KvWorkerBundle> {
  const output = await build({
    ...WORKER_BUILD_OPTIONS,
    entryPoints: [`${ROOT}src/index.ts`],
    external: ["cloudflare:*", "node:*"],
    logLevel: "silent",
  });
  const contents = output.outputFiles[0]?.text;
  if (contents === undefined) throw new Error("esbuild produced no output for src/index.ts");
  return { ...wranglerSettings(), contents };
}

/** src/index.ts bundled in memory by esbuild, once per process, for Miniflare-run tests. */
export function kvWorkerBundle(): Promise<KvWorkerBundle> {
  bundled ??= bundle();
  return bundled;
}
