// `npm run build:types` (and `prepare`, so a git or file dependency gets them): the declarations
// another project needs for `hc<AppType>` from "edge-kv", in dist/types. tsc emits them from src/;
// the settings' and routes' types name the global `Env` of worker-configuration.d.ts, which a
// client project does not have (and whose runtime types would clash with its DOM or Node ones), so
// each emitted file that names `Env` imports it from dist/types/worker-env.d.ts instead: the same
// members, written from worker-configuration.d.ts, with every non-text binding as `unknown`.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist/types");

execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.types.json")], { stdio: "inherit" });

const generated = readFileSync(join(root, "worker-configuration.d.ts"), "utf8");
const block = /interface Env \{\n([\s\S]*?)\n\t\}/.exec(generated)?.[1];
if (block === undefined) throw new Error("build-types: no `interface Env` in worker-configuration.d.ts");
const members = block
  .split("\n")
  .map((line) => /^\s*(\w+): (.+);$/.exec(line))
  .filter((match) => match !== null)
  .map(([, name, type]) => `  ${name}: ${type === "string" ? "string" : "unknown"};`);
writeFileSync(
  join(out, "worker-env.d.ts"),
  `/** The worker's bindings as its types name them (written by tools/build-types.ts). */\nexport interface Env {\n${members.join("\n")}\n}\n`,
);

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? declarationFiles(join(dir, entry.name))
      : entry.name.endsWith(".d.ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

for (const file of declarationFiles(out)) {
  const text = readFileSync(file, "utf8");
  if (file.endsWith("worker-env.d.ts") || !/\bEnv\b/.test(text.replace(/\bAppEnv\b|\bBlankEnv\b/g, ""))) continue;
  const from = relative(dirname(file), join(out, "worker-env")).replace(/^(?!\.)/, "./");
  writeFileSync(file, `import type { Env } from "${from}";\n${text}`);
}
