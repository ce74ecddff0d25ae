import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// Node-side tests of the tools: the Upstash bridge (driven by the real
// @upstash/redis client) and the redis-server helper. Each file starts its own
// redis-server on a free port with a temporary directory.
export default defineProject({
  // The root is tools/; keep Vite's cache in the repository's node_modules.
  cacheDir: fileURLToPath(new URL("../../node_modules/.vite", import.meta.url)),
  test: {
    name: "bridge",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["upstash-bridge/test/**/*.test.ts", "testing/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
