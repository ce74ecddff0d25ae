import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// One Vitest run, several projects. "worker" runs inside workerd: the KV worker
// is `main`, reached through `exports.default.fetch` from "cloudflare:workers".
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/**/*.test.ts"],
        },
      },
    ],
  },
});
