import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { WorkerOptions } from "miniflare";
import { unstable_readConfig } from "wrangler";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Miniflare options for the real KV worker (`edge-kv`): src/index.ts bundled
 * in memory by esbuild, with the vars and compatibility settings of the root
 * wrangler.toml. `.dev.vars` and secrets are left out, so tests always get the
 * memory backend with no tokens.
 */
export async function kvWorkerOptions(): Promise<WorkerOptions> {
  const config = unstable_readConfig({ config: `${ROOT}wrangler.toml` }, { hideWarnings: true });
  const bundle = await build({
    entryPoints: [`${ROOT}src/index.ts`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "silent",
  });
  const contents = bundle.outputFiles[0]?.text;
  if (contents === undefined) throw new Error("esbuild produced no output for src/index.ts");
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars)) vars[name] = typeof value === "string" ? value : JSON.stringify(value);
  return {
    name: config.name ?? "edge-kv",
    modules: [{ type: "ESModule", path: `${ROOT}.kv-worker.mjs`, contents }],
    compatibilityDate: config.compatibility_date ?? "2026-04-01",
    compatibilityFlags: config.compatibility_flags,
    bindings: vars,
  };
}
