import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CompiledArtifactsInput } from "floe-core";
import { AirflowPlugin } from "./airflow-plugin.js";

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));
const artifacts = () => JSON.parse(readFileSync(fixture("artifacts.json"), "utf8")) as CompiledArtifactsInput;

describe("renderAirflowFiles", () => {
  it("matches the golden DAG modules (UPDATE_GOLDEN=1 rewrites them)", () => {
    const plugin = new AirflowPlugin({ dbtProjectDir: "/srv/dbt/shop", dbtProfilesDir: "/srv/dbt/profiles", dbtTarget: "prod" });
    const files = plugin.createDefinitions(artifacts()).render();
    expect(files.map((f) => f.path)).toEqual(["shop_analytics_hv41vkvasj2.py", "daily_marts.py"]);
    const dir = fixture("golden");
    for (const file of files) {
      const path = `${dir}/${file.path}`;
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, file.content);
      }
      expect(file.content).toBe(readFileSync(path, "utf8"));
    }
  });

  it("is deterministic: the same input renders byte-identical files", () => {
    const a = new AirflowPlugin().createDefinitions(artifacts()).render();
    const b = new AirflowPlugin().createDefinitions(artifacts()).render();
    expect(a).toEqual(b);
  });

  it("keeps user text out of the shell line and every Jinja-templated field", () => {
    const hostile = artifacts();
    hostile.transforms!.models.push({
      name: "{{ 7*7 }}$(touch CANARY)'\"",
      compute: "duckdb",
      depends_on: ["orders"],
    });
    const [file] = new AirflowPlugin().createDefinitions(hostile).render();
    const text = file!.content;
    expect(text).toContain('DBT_COMMAND = "exec \\"$FLOE_DBT_EXECUTABLE\\" build --select \\"$FLOE_DBT_MODEL\\""');
    expect(text).toContain("template_fields = ()");
    // The name appears only as an escaped Python literal (a TASKS value), never raw.
    expect(text).not.toContain("$(touch CANARY)'\"");
    expect(text).toContain('"{{ 7*7 }}$(touch CANARY)\'\\""');
  });
});
