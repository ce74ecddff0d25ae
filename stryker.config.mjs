// Mutation testing of the pure modules that hold the API's rules (docs/development.md,
// "Mutation testing"). `npm run mutate` runs it and prints the score per file.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // The "unit" project (Node, no workerd), its rule tests only.
  vitest: { configFile: "test/unit/vitest.mutate.config.ts", related: false },
  // JSON.parse source text access (src/rules/json.ts) is behind a flag on Node 20.
  testRunnerNodeArgs: ["--harmony-json-parse-with-source"],
  mutate: ["src/rules/*.ts", "src/auth.ts", "src/settings.ts", "src/store/expiry-queue.ts"],
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  // One test runner per core (2 here): 3.5 to 4.5 minutes, against 5 with one (docs/development.md).
  concurrency: 2,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 95, low: 90, break: 90 },
};
