import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./processes";

/** The smoke CLI bundled once for plain `node`, so tests skip tsx's start-up. */
export interface SmokeBundle {
  path: string;
  remove(): Promise<void>;
}

/** Bundles test-client/src/cli/smoke.ts into a temporary directory. */
export async function buildSmokeCli(): Promise<SmokeBundle> {
  const dir = await mkdtemp(join(tmpdir(), "edge-kv-smoke-"));
  const path = join(dir, "smoke.mjs");
  await build({
    entryPoints: [`${ROOT}test-client/src/cli/smoke.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path,
    logLevel: "silent",
  });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
