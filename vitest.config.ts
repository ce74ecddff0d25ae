import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { buildConsole } from "./console/build.ts";
import { kvWorkerOptions } from "./test-client/test/support/kv-worker.ts";

// One Vitest run, several projects. "worker" runs inside workerd: the KV worker
// is `main`, reached through `exports.default.fetch` from "cloudflare:workers".
export default defineConfig({
  test: {
    // A passing test prints nothing; a failing one shows what it logged.
    silent: "passed-only",
    // `npm run coverage`: src/ as the "worker" project runs it in workerd. Istanbul, because
    // V8 coverage needs node:inspector, which workerd lacks. The "test-client" project adds
    // nothing: its KV worker is an esbuild bundle in an auxiliary worker, not instrumented.
    // The other projects run the worker in separate processes (docs/development.md).
    coverage: {
      provider: "istanbul",
      include: ["src/**"],
      // A loaded file is kept when "src/**" matches anywhere in its path: the other src/ folders would be.
      exclude: ["test-client/**", "console/**"],
      reporter: ["text", "html"],
      reportsDirectory: "coverage",
      // The figures measured when coverage was set up, rounded down: coverage can only rise.
      // Raise them when it does (docs/development.md).
      thresholds: { lines: 99, branches: 95, functions: 100, statements: 98 },
    },
    projects: [
      {
        plugins: [
          // wrangler.toml's [assets] directory must exist before the pool starts: build the console first.
          cloudflareTest(async () => {
            await buildConsole();
            return {
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              // wrangler.toml deploys the Upstash backend; the tests serve the Map backend
              // unless a test chooses otherwise.
              // Secrets are blanked, so a developer's .dev.vars never reaches the tests.
              miniflare: {
                // Budgets no test run reaches, and a tight one for the rate-limit test.
                ratelimits: {
                  READ_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                  WRITE_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                  TIGHT_LIMITER: { simple: { limit: 3, period: 10 } },
                },
                bindings: {
                  STORAGE_BACKEND: "memory",
                  UPSTASH_REDIS_REST_URL: "",
                  UPSTASH_REDIS_REST_TOKEN: "",
                  KV_READ_TOKENS: "",
                  KV_WRITE_TOKENS: "",
                  KV_ADMIN_TOKENS: "",
                },
              },
            };
          }),
        ],
        test: {
          name: "worker",
          include: ["test/**/*.test.ts"],
          // Reliability, dev-server and browser tests drive processes from Node: their own projects.
          exclude: ["test/reliability/**", "test/dev-server/**", "test/browser/**", "test/unit/**", "test/docs/**"],
          // Starts redis-server + the Upstash bridge for the upstash tests (inject("upstash")).
          globalSetup: ["./test/global-setup.ts"],
        },
      },
      // "test-client": the test client worker is `main`; the real KV worker runs
      // beside it as an auxiliary worker behind its `KV` service binding.
      {
        plugins: [
          cloudflareTest(async () => ({
            main: "./test-client/src/worker/index.ts",
            wrangler: { configPath: "./test-client/wrangler.toml" },
            miniflare: { workers: [await kvWorkerOptions()] },
          })),
        ],
        test: {
          name: "test-client",
          include: ["test-client/test/worker/**/*.test.ts"],
          globalSetup: ["./test-client/test/support/pool-setup.ts"],
        },
      },
      // "test-client-node": the smoke CLI and `wrangler dev`, driven from Node.
      {
        test: {
          name: "test-client-node",
          environment: "node",
          include: ["test-client/test/node/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      // "browser": the web console and /docs in Chromium, against `wrangler dev` on both backends;
      // last and on its own (groupOrder), since each file starts wrangler dev and Chromium on a 2-core machine.
      {
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          sequence: { groupOrder: 2 },
        },
      },
      // "unit": pure modules and the OpenAPI lint, in Node; also what `npm run mutate` runs.
      "./test/unit/vitest.config.ts",
      // "bench": the bench's own checks (the bare Hono reference answers like edge-kv, cold-start calibration).
      "./bench/vitest.config.ts",
      // "bridge": the Upstash bridge and the redis-server helper, in Node.
      "./tools/upstash-bridge/vitest.config.ts",
      // "dev-server": the KV worker under `npm run dev` and under plain workerd.
      "./test/dev-server/vitest.config.ts",
      // "reliability": outage, durability, concurrency and hostile input, driving
      // redis-server, the bridge and workerd from Node (after the other projects).
      "./test/reliability/vitest.config.ts",
      // "docs": every `console` example of README.md and docs/*.md, run against a fresh worker.
      "./test/docs/vitest.config.ts",
    ],
  },
});
