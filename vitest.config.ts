import { defineConfig } from "vitest/config";

// Repository-level tests: release tooling and packaging, run against the built packages.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: "forks",
  },
});
