import { execFile } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type WranglerSettings, wranglerSettings } from "../tools/testing/kv-worker-bundle";

const run = promisify(execFile);

/** The bare Hono reference, and the same app answering with edge-kv's answer headers. */
const BARE_HONO_SOURCES = {
  plain: fileURLToPath(new URL("./bare-hono-worker.ts", import.meta.url)),
  headers: fileURLToPath(new URL("./bare-hono-headers-worker.ts", import.meta.url)),
};

/** Which bare Hono reference: plain, or answering with edge-kv's answer headers. */
export type BareHonoVariant = keyof typeof BARE_HONO_SOURCES;

/** The worker as `wrangler deploy` would upload it, and the settings that go with it. */
export interface DeployedBuild {
  outdir: string;
  /** The bundle's module files, the entry first. */
  modules: string[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** wrangler.toml [vars], as deployed. */
  vars: Record<string, string>;
  /** esbuild's metafile of the bundle (which inputs made up the output). */
  metafilePath: string;
  /** wrangler.toml's `minify` and `keep_names`, which a reference built like it takes too. */
  bundling: WranglerSettings["bundling"];
}

/** Bundles the worker a wrangler config names into `outdir` with `wrangler deploy --dry-run`; returns its modules, entry first. */
async function wranglerDryRun(
  root: string,
  configPath: string,
  outdir: string,
  metafilePath: string,
): Promise<string[]> {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  await run(wrangler, ["deploy", "--dry-run", "--config", configPath, "--outdir", outdir, "--metafile", metafilePath], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const files = (await readdir(outdir)).filter((file) => /\.m?js$/.test(file));
  const entry = files.includes("index.js") ? "index.js" : files[0];
  if (entry === undefined) throw new Error(`wrangler wrote no module to ${outdir}`);
  return [entry, ...files.filter((file) => file !== entry)];
}

/**
 * Builds the worker exactly as `wrangler deploy` would upload it
 * (`wrangler deploy --dry-run --outdir`), and reads the settings that go with
 * the upload (compatibility date and flags, vars, bundling) from wrangler.toml.
 */
export async function buildAsDeployed(root: string, outdir: string): Promise<DeployedBuild> {
  const metafilePath = join(outdir, "bundle-meta.json");
  const modules = await wranglerDryRun(root, join(root, "wrangler.toml"), outdir, metafilePath);
  const { compatibilityDate, compatibilityFlags, vars, bundling } = wranglerSettings(root);
  return { outdir, modules, compatibilityDate, compatibilityFlags, vars, bundling, metafilePath };
}

/**
 * Builds the bare Hono reference (bench/bare-hono-worker.ts, or its variant
 * with edge-kv's answer headers) the way edge-kv
 * is built: `wrangler deploy --dry-run` (the same wrangler, esbuild and hono
 * the project installs), from a config written for it with edge-kv's
 * compatibility date and flags, its bundling (`minify`, `keep_names`) and no
 * bindings: the two differ in their code, not in how they are bundled.
 */
export async function buildBareHono(
  root: string,
  outdir: string,
  like: DeployedBuild,
  variant: BareHonoVariant = "plain",
): Promise<DeployedBuild> {
  await mkdir(outdir, { recursive: true });
  const configPath = join(outdir, "wrangler.json");
  const config = {
    name: variant === "plain" ? "bare-hono" : "bare-hono-headers",
    main: BARE_HONO_SOURCES[variant],
    compatibility_date: like.compatibilityDate,
    compatibility_flags: like.compatibilityFlags,
    minify: like.bundling.minify,
    keep_names: like.bundling.keepNames,
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const metafilePath = join(outdir, "bundle-meta.json");
  const modules = await wranglerDryRun(root, configPath, join(outdir, "dist"), metafilePath);
  return {
    outdir: join(outdir, "dist"),
    modules,
    compatibilityDate: like.compatibilityDate,
    compatibilityFlags: like.compatibilityFlags,
    vars: {},
    metafilePath,
    bundling: like.bundling,
  };
}
