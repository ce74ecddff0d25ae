import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { originOf } from "./source-origin";

/** Sizes of the modules `wrangler deploy` uploads. */
export interface BundleSize {
  bytes: number;
  /** gzip of all modules together, as `wrangler deploy` reports it. */
  gzipBytes: number;
  /** Raw bytes in the bundle by package or project folder, largest first. */
  largestParts: Array<{ origin: string; bytes: number }>;
}

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Groups a project file under its folder (`src/http`), a package under its name. */
function partOf(file: string): string {
  const origin = originOf(file);
  return origin.startsWith("src/") ? origin.split("/").slice(0, -1).join("/") || "src" : origin;
}

async function largestParts(metafilePath: string, limit: number): Promise<BundleSize["largestParts"]> {
  const meta = JSON.parse(await readFile(metafilePath, "utf8")) as Metafile;
  const bytes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      bytes.set(partOf(file), (bytes.get(partOf(file)) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([origin, size]) => ({ origin, bytes: size }));
}

/**
 * Sizes the deployed bundle: the modules `wrangler deploy` uploads (not the
 * source map or README it writes beside them), measured the way wrangler
 * prints "Total Upload: X KiB / gzip: Y KiB", and what it is made of.
 */
export async function bundleSize(outdir: string, modules: string[], metafilePath: string): Promise<BundleSize> {
  const contents = await Promise.all(modules.map((module) => readFile(join(outdir, module))));
  const all = Buffer.concat(contents);
  return {
    bytes: all.byteLength,
    gzipBytes: gzipSync(all).byteLength,
    largestParts: await largestParts(metafilePath, 10),
  };
}
