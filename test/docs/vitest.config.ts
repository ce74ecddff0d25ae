import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The docs' executable examples (test/docs/examples.test.ts): each docs file's `console` blocks run
// in one bash session against a KV worker of its own (workerd through Miniflare, and for the Upstash
// backend redis-server and the bridge), started from Node on free ports. Last and on its own
// (groupOrder), so that it never loads the machine while the reliability project measures.
export default defineProject({
  test: {
    name: "docs",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/docs/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    sequence: { groupOrder: 3 },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
