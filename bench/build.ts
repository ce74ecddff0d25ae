import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

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
}

/**
 * Builds the worker exactly as `wrangler deploy` would upload it
 * (`wrangler deploy --dry-run --outdir`), and reads the settings that go with
 * the upload (compatibility date and flags, vars) from wrangler.toml.
 */
export async function buildAsDeployed(root: string, outdir: string): Promise<DeployedBuild> {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const metafilePath = join(outdir, "bundle-meta.json");
  await run(wrangler, ["deploy", "--dry-run", "--outdir", outdir, "--metafile", metafilePath], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const files = (await readdir(outdir)).filter((file) => /\.m?js$/.test(file));
  const entry = files.includes("index.js") ? "index.js" : files[0];
  if (entry === undefined) throw new Error(`wrangler wrote no module to ${outdir}`);
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars ?? {})) {
    vars[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  if (config.compatibility_date === undefined) throw new Error("wrangler.toml has no compatibility_date");
  return {
    outdir,
    modules: [entry, ...files.filter((file) => file !== entry)],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    vars,
    metafilePath,
  };
}
