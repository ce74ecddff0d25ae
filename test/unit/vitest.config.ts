import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// V8 flags hold for a whole process. Vitest's forks get the flag here; under Stryker the test
// runner process already has it (testRunnerNodeArgs) and runs tests in worker threads, which
// refuse V8 flags in execArgv.
const JSON_SOURCE_FLAG = "--harmony-json-parse-with-source";

/** The "unit" project's settings, test files aside (test/unit/vitest.mutate.config.ts narrows them). */
export const unitProject = {
  name: "unit",
  root: fileURLToPath(new URL("../..", import.meta.url)),
  environment: "node",
  execArgv: process.execArgv.includes(JSON_SOURCE_FLAG) ? [] : [JSON_SOURCE_FLAG],
} as const;

// "unit": pure modules and the OpenAPI lint, in Node (JSON.rawJSON needs the flag on Node 20).
export default defineProject({
  test: { ...unitProject, include: ["test/unit/**/*.test.ts"] },
});
