import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The bench's own checks, in Node: the bare Hono reference answers as edge-kv
// does, the cold start phases read from workerd's trace are what they claim,
// and the measures of transactions, Idempotency-Key round trips, the change
// feed and export/import do what they say on both backends. Files that build
// bundles and start workerd processes run one at a time.
export default defineProject({
  test: {
    name: "bench",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["bench/test/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
