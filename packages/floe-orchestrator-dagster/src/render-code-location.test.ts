import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DagsterPlugin } from "./dagster-plugin.js";

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = join(here, "..", "test", "fixtures", "golden");
const cases = {
  "jaffle_shop-manifest": join(here, "..", "..", "..", "examples", "jaffle_shop", "compiled_artifacts.json"),
  "floe-0.10.0-per-transform": join(here, "..", "test", "fixtures", "floe-0.10.0-artifacts.json"),
};

// Versions move with releases (and `pnpm version-packages` rebuilds the example's artifacts): the golden
// files hold placeholders for the plugin's, floe-core's and the artifacts' floe versions.
function normalise(text: string): string {
  return text
    .replace(/floe-orchestrator-dagster( |\/v\/)\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?/g, "floe-orchestrator-dagster$1<version>")
    .replace(/\(floe-core [^)\s]+\)/g, "(floe-core <version>)")
    .replace(/"floe_version": "[^"]*"/g, '"floe_version": "<version>"');
}

function render(file: string) {
  const plugin = new DagsterPlugin({ dbtProjectDir: "/srv/dbt/jaffle_shop" });
  return plugin.createDefinitions(JSON.parse(readFileSync(file, "utf8"))).render();
}

describe("renderCodeLocation (golden files as vitest file snapshots: `vitest run -u` rewrites them)", () => {
  for (const [name, file] of Object.entries(cases)) {
    it(`renders ${name} byte-identically`, async () => {
      const first = render(file);
      expect(render(file)).toEqual(first);
      for (const generated of first) {
        const content = normalise(generated.content);
        expect(content, `${name}/${generated.path} names a version`).not.toBe(generated.content);
        // A missing file fails under CI (vitest writes new snapshots only outside CI).
        await expect(content, `${name}/${generated.path}`).toMatchFileSnapshot(join(goldenDir, name, generated.path));
      }
      expect(first.map((f) => f.path)).toEqual([
        "definitions.py",
        "workspace.yaml",
        "compiled_artifacts.json",
        "floe_lineage.py",
        "requirements.txt",
        "Dockerfile",
      ]);
    });
  }
});
