import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./processes";

/** A CLI of test-client/src/cli bundled once for plain `node`, so tests skip tsx's start-up. */
export interface CliBundle {
  path: string;
  remove(): Promise<void>;
}

/** The smoke CLI's bundle (kept under its old name for its tests). */
export type SmokeBundle = CliBundle;

/** Bundles test-client/src/cli/<name>.ts into a temporary directory. */
export async function buildCli(name: "smoke" | "export" | "import"): Promise<CliBundle> {
  const dir = await mkdtemp(join(tmpdir(), `edge-kv-${name}-`));
  const path = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [`${ROOT}test-client/src/cli/${name}.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path,
    // cli-progress is CommonJS and requires Node's modules: give the ES module a `require`.
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
    logLevel: "silent",
  });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Bundles the smoke CLI. */
export function buildSmokeCli(): Promise<SmokeBundle> {
  return buildCli("smoke");
}
