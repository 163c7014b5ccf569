import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The vitest config of each of floe's three packages (floe-core and the two plugins), written once: their
// `vitest.config.ts` is `export default packageVitestConfig();`. They import this file by its relative path
// (`../test-utils/src/vitest-package.js`): vitest bundles a config with its relative imports, whereas a bare
// `floe-test-utils/...` import of a .ts file would be loaded by Node itself, which cannot run TypeScript (Node 20).
//
// Tests run against the workspace's TypeScript sources, not built output. Two projects, so a hanging unit test
// fails in seconds while end-to-end tests (real orchestrators, dbt, Helm) keep their long budget. The root
// vitest.config.ts extends these configs for their `resolve` and states the test options of its own run.
const floeCoreSource = (path: string) => fileURLToPath(new URL(`../../floe-core/src/${path}`, import.meta.url));

export function packageVitestConfig() {
  return defineConfig({
    resolve: {
      // floe-core and its subpath exports (package.json "exports"), from source.
      alias: [
        { find: /^floe-core$/, replacement: floeCoreSource("index.ts") },
        { find: /^floe-core\/codegen$/, replacement: floeCoreSource("emit/index.ts") },
        { find: /^floe-core\/(lineage|schedule)$/, replacement: floeCoreSource("$1/index.ts") },
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
}
