// `npm run dev` and `npm run dev:client` run this first: wrangler.toml deploys the
// Upstash backend, and local development serves the Map backend unless .dev.vars
// says otherwise. Adds STORAGE_BACKEND=memory to .dev.vars (creating it) only
// when that file names no backend; never changes a line that is there.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const path = fileURLToPath(new URL("../.dev.vars", import.meta.url));
const LINE =
  "# Written by `npm run dev` (tools/dev-vars.ts): local development serves the Map backend.\nSTORAGE_BACKEND=memory\n";

let current: string | null = null;
try {
  current = await readFile(path, "utf8");
} catch {
  current = null;
}
if (current === null) {
  await writeFile(path, LINE);
  console.error("dev: wrote .dev.vars with STORAGE_BACKEND=memory (the Map backend)");
} else if (!/^\s*STORAGE_BACKEND\s*=/m.test(current)) {
  await appendFile(path, `${current.endsWith("\n") || current === "" ? "" : "\n"}${LINE}`);
  console.error("dev: added STORAGE_BACKEND=memory to .dev.vars (the Map backend)");
}
