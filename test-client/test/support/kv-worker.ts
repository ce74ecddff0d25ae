import type { WorkerOptions } from "miniflare";
import { kvWorkerBundle, ROOT } from "../../../tools/testing/kv-worker-bundle";

/**
 * Miniflare options for the real KV worker (`edge-kv`): src/index.ts bundled
 * in memory by esbuild, with the vars and compatibility settings of the root
 * wrangler.toml and the memory backend. `.dev.vars` and secrets are left out,
 * so tests always run with no tokens.
 */
export async function kvWorkerOptions(): Promise<WorkerOptions> {
  const bundle = await kvWorkerBundle();
  return {
    name: bundle.name,
    modules: [{ type: "ESModule", path: `${ROOT}.kv-worker.mjs`, contents: bundle.contents }],
    compatibilityDate: bundle.compatibilityDate,
    compatibilityFlags: bundle.compatibilityFlags,
    bindings: { ...bundle.vars, STORAGE_BACKEND: "memory" },
  };
}
