import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// "unit": pure modules and the OpenAPI lint, in Node (JSON.rawJSON needs the flag on Node 20).
// Its own file so that `npm run mutate` (stryker.config.mjs) loads this project alone.
export default defineProject({
  test: {
    name: "unit",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    environment: "node",
    include: ["test/unit/**/*.test.ts"],
    execArgv: ["--harmony-json-parse-with-source"],
  },
});
