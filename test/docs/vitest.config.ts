import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The docs' executable examples (test/docs/examples.test.ts): each docs file's `console` blocks run
// in one bash session against a KV worker of its own (workerd through Miniflare, and for the Upstash
// backend redis-server and the bridge), started from Node on free ports. After the workers-pool
// projects (groupOrder), like the reliability project.
export default defineProject({
  test: {
    name: "docs",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/docs/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
