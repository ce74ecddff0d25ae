// Builds the web console and the /docs renderer into static assets:
//   dist/assets/_headers                  response headers of every asset (CSP)
//   dist/assets/console/index.html        the console page (served at /console/)
//   dist/assets/console/console.{js,css}  the console
//   dist/assets/console/docs.{js,css}     the renderer the worker's /docs page loads
//   dist/assets/console/chunks/*.js       code both share (Preact, the API client)
// Run by `wrangler dev` and `wrangler deploy` ([build] in wrangler.toml), by
// the Vitest config before the workers pool starts, and by `npm run build`.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");

/** The budget of the console's JS and CSS together, gzip-compressed, in bytes. */
export const GZIP_BUDGET_BYTES = 60 * 1024;

/** The assets directory of wrangler.toml's `[assets]`. */
export const ASSETS_DIR = join(ROOT, "dist", "assets");

/** One file written, with its size as served and gzip-compressed. */
export interface BuiltFile {
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** What a build wrote, and the gzip total of its JS and CSS. */
export interface BuildReport {
  files: BuiltFile[];
  scriptAndStyleGzipBytes: number;
}

// Another process may read the assets while this one rebuilds them (wrangler
// dev and the Vitest pool both build): a reader sees the old file or the new one.
// A file whose bytes are already there is not written at all: a watcher of the
// assets (another `wrangler dev`) then sees no event, not even a temporary file
// that is gone by the time it looks (which made wrangler dev exit with ENOENT).
function writeAtomically(path: string, contents: Uint8Array): void {
  if (sameBytes(path, contents)) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function sameBytes(path: string, contents: Uint8Array): boolean {
  try {
    return readFileSync(path).equals(contents);
  } catch {
    return false;
  }
}

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Builds the assets into `outDir` (default `dist/assets/`), removing files an earlier build left that this one did not write. */
export async function buildConsole(outDir: string = ASSETS_DIR): Promise<BuildReport> {
  const consoleDir = join(outDir, "console");
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { console: "console/src/console/main.tsx", docs: "console/src/docs/main.tsx" },
    outdir: consoleDir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    target: ["es2022", "chrome115", "firefox115", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: "console/tsconfig.json",
    legalComments: "none",
    charset: "utf8",
    write: false,
    logLevel: "warning",
  });
  const outputs = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) outputs.set(file.path, file.contents);
  outputs.set(join(consoleDir, "index.html"), readFileSync(join(HERE, "index.html")));
  outputs.set(join(consoleDir, "favicon.svg"), readFileSync(join(HERE, "favicon.svg")));
  outputs.set(join(outDir, "_headers"), readFileSync(join(HERE, "_headers")));

  for (const [path, contents] of outputs) writeAtomically(path, contents);
  // Another build's temporary files are not stale: they are about to be renamed into place.
  for (const stale of filesUnder(outDir)) {
    if (!outputs.has(stale) && !stale.endsWith(".tmp")) rmSync(stale, { force: true });
  }

  const files = [...outputs].map(([path, contents]) => ({
    path: relative(outDir, path),
    bytes: contents.byteLength,
    gzipBytes: gzipSync(contents, { level: 9 }).byteLength,
  }));
  const scriptAndStyleGzipBytes = files
    .filter((file) => /\.(js|css)$/.test(file.path))
    .reduce((sum, file) => sum + file.gzipBytes, 0);
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), scriptAndStyleGzipBytes };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The report as printed by `npm run build`. */
export function describeBuild(report: BuildReport): string {
  const lines = report.files.map(
    (file) => `  ${file.path.padEnd(34)} ${kib(file.bytes).padStart(10)}  ${kib(file.gzipBytes).padStart(9)} gzip`,
  );
  const total = `console JS + CSS: ${kib(report.scriptAndStyleGzipBytes)} gzip (budget ${kib(GZIP_BUDGET_BYTES)})`;
  return [...lines, total].join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await buildConsole();
  console.log(describeBuild(report));
  if (report.scriptAndStyleGzipBytes > GZIP_BUDGET_BYTES) {
    console.error("The console's JS and CSS are over their gzip budget.");
    process.exit(1);
  }
}
