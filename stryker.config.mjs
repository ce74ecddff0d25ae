// Mutation testing of the pure modules that hold the API's rules (docs/development.md,
// "Mutation testing"). `npm run mutate` runs it and prints the score per file.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // The "unit" project alone (Node, no workerd), and of it only the rule tests: the OpenAPI
  // lint builds the whole app and runs Redocly, which would cover every mutant and take minutes.
  vitest: { configFile: "test/unit/vitest.config.ts", related: false },
  testFiles: ["test/unit/rules/**/*.test.ts"],
  // JSON.parse source text access (src/rules/json.ts) is behind a flag on Node 20.
  testRunnerNodeArgs: ["--harmony-json-parse-with-source"],
  mutate: ["src/rules/*.ts", "src/auth.ts", "src/settings.ts", "src/store/expiry-queue.ts"],
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  // Two cores, shared: one test runner beside Stryker itself.
  concurrency: 1,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 95, low: 90, break: 90 },
};
