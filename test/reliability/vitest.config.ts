import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// Node-side reliability tests: each file starts its own redis-server, Upstash
// bridge and KV worker (workerd through Miniflare) on free ports. Files run one
// at a time, after the other projects (groupOrder): each loads a 2-core machine
// on its own, and the outage test measures recovery time.
export default defineProject({
  test: {
    name: "reliability",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/reliability/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
