// `npm run types:check`: fails when worker-configuration.d.ts is not what
// `npm run types` would write. (`wrangler types --check` reads .dev.vars and
// ignores --env-file, so its verdict depends on the machine; this generates the
// file afresh from wrangler.toml and .dev.vars.example, compares, and puts the
// committed file back.)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const path = join(root, "worker-configuration.d.ts");
const committed = readFileSync(path, "utf8");
let fresh: string;
try {
  execFileSync(
    join(root, "node_modules", ".bin", "wrangler"),
    ["types", "--strict-vars", "false", "--env-file", ".dev.vars.example"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  fresh = readFileSync(path, "utf8");
} finally {
  writeFileSync(path, committed);
}
if (fresh !== committed) {
  console.error("worker-configuration.d.ts is out of date: run `npm run types` and commit it.");
  process.exitCode = 1;
} else console.log("worker-configuration.d.ts is up to date.");
