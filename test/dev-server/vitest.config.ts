import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The KV worker under the servers a developer or a deployment runs it in:
// `npm run dev` (wrangler dev) and plain `workerd serve` of the bundle
// `wrangler deploy` would upload, each started from Node on a free port.
// Files run one at a time: each starts a runtime of its own on a 2-core machine.
export default defineProject({
  test: {
    name: "dev-server",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/dev-server/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
