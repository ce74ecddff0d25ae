import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// "unit": pure modules and the OpenAPI lint, in Node (JSON.rawJSON needs the flag on Node 20).
// Its own file so that `npm run mutate` (stryker.config.mjs) loads this project alone.

// V8 flags hold for a whole process. Vitest's forks get the flag here; under Stryker the test
// runner process already has it (testRunnerNodeArgs) and runs tests in worker threads, which
// refuse V8 flags in execArgv.
const JSON_SOURCE_FLAG = "--harmony-json-parse-with-source";
const execArgv = process.execArgv.includes(JSON_SOURCE_FLAG) ? [] : [JSON_SOURCE_FLAG];

export default defineProject({
  test: {
    name: "unit",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    environment: "node",
    include: ["test/unit/**/*.test.ts"],
    execArgv,
  },
});
