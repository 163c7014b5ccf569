import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests run against the workspace's TypeScript sources, not built output.
export default defineConfig({
  resolve: {
    alias: {
      "floe-core": fileURLToPath(new URL("../floe-core/src/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: "forks",
  },
});
