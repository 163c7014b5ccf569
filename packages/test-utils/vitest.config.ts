import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The helpers' own unit tests, against floe-core's TypeScript sources.
export default defineConfig({
  resolve: {
    alias: {
      "floe-core": fileURLToPath(new URL("../floe-core/src/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
