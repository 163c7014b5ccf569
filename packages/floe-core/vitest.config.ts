import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests run against the workspace's TypeScript sources, not built output. Two projects, so a hanging unit test
// fails in seconds while end-to-end tests (real orchestrators, dbt, Helm) keep their long budget.
export default defineConfig({
  resolve: {
    // floe-core and its subpath exports (package.json "exports"), from source.
    alias: [
      { find: /^floe-core$/, replacement: fileURLToPath(new URL("../floe-core/src/index.ts", import.meta.url)) },
      { find: /^floe-core\/codegen$/, replacement: fileURLToPath(new URL("../floe-core/src/emit/index.ts", import.meta.url)) },
      { find: /^floe-core\/(lineage|schedule)$/, replacement: fileURLToPath(new URL("../floe-core/src/$1/index.ts", import.meta.url)) },
    ],
  },
  test: {
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          exclude: ["test/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
