import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArtifactsJson } from "floe-core";
import { dagsterPackageName } from "./dagster-names.js";
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
      const pkg = dagsterPackageName(JSON.parse(readFileSync(file, "utf8")));
      expect(first.map((f) => f.path)).toEqual([
        `${pkg}/__init__.py`,
        `${pkg}/definitions.py`,
        "workspace.yaml",
        "compiled_artifacts.json",
        `${pkg}/lineage.py`,
        "requirements.txt",
        "Dockerfile",
      ]);
    });
  }
});

describe("the code location as a Python package", () => {
  const artifacts = parseArtifactsJson(readFileSync(cases["jaffle_shop-manifest"], "utf8")).artifacts;
  const files = new DagsterPlugin({ dbtProjectDir: "../jaffle_shop" }).generate(artifacts).files;
  const content = (path: string) => files.find((f) => f.path === path)?.content ?? "";

  it("puts the Python into floe_<product>/ and the deployment files at the root", () => {
    expect(dagsterPackageName(artifacts)).toBe("floe_jaffle_shop");
    const python = files.filter((f) => f.path.endsWith(".py")).map((f) => f.path);
    expect(python.sort()).toEqual(["floe_jaffle_shop/__init__.py", "floe_jaffle_shop/definitions.py", "floe_jaffle_shop/lineage.py"]);
    const root = files.filter((f) => !f.path.startsWith("floe_jaffle_shop/")).map((f) => f.path);
    expect(root.sort()).toEqual(["Dockerfile", "compiled_artifacts.json", "requirements.txt", "values.yaml", "workspace.yaml"]);
  });

  it("imports its own modules relatively, never by file path or as top-level modules", () => {
    const definitions = content("floe_jaffle_shop/definitions.py");
    expect(definitions).toMatch(/^from \.lineage import stream_dbt$/m);
    expect(definitions).not.toMatch(/importlib|spec_from_file_location|floe_lineage/);
    expect(content("floe_jaffle_shop/__init__.py")).not.toMatch(/^(from|import) /m);
  });

  it("loads as the module <package>.definitions: workspace.yaml, the Dockerfile and the chart values", () => {
    expect(content("workspace.yaml")).toContain(
      "  - python_module:\n      module_name: floe_jaffle_shop.definitions\n      working_directory: .\n      location_name: jaffle_shop\n",
    );
    expect(content("Dockerfile")).toContain(
      'CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "floe_jaffle_shop.definitions", "-d", "/opt/dagster/app"]',
    );
    expect(content("values.yaml")).toMatch(/^ {4}module: floe_jaffle_shop\.definitions$/m);
  });
});
