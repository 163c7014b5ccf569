import { defineConfig } from "vitest/config";

// Repository-level tests: release tooling, packaging, hardening and the corpus, run against the built packages.
// All of them spawn the CLI, package managers or orchestrators, so one end-to-end project with the long budget.
export default defineConfig({
  test: {
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
