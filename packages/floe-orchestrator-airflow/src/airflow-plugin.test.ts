import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArtifacts } from "floe-core";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { AirflowPlugin } from "./airflow-plugin.js";

const example = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "jaffle_shop", "compiled_artifacts.json"), "utf8"),
);

describe("AirflowPlugin.generate (the contract)", () => {
  it("returns every file, values.yaml included, from the artifacts alone (scheduleJob state is ignored)", () => {
    const plugin = new AirflowPlugin();
    plugin.scheduleJob("jaffle_shop", "@hourly", "UTC");
    const { artifacts } = parseArtifacts(example);
    const { files, warnings } = plugin.generate(artifacts, { dbtProjectDir: "../p" });
    expect(warnings).toEqual([]);
    expect(files.at(-1)).toEqual({ path: "values.yaml", content: stringify(plugin.helmValues({ artifacts }), { sortMapEntries: false }) });
    expect(files.slice(0, -1)).toEqual(new AirflowPlugin({ dbtProjectDir: "../p" }).createDefinitions(example).render());
    // The legacy stateful form still reaches createDefinitions of the same instance.
    expect(plugin.createDefinitions(artifacts).model.dags.find((d) => d.isDefault)!.schedule).toMatchObject({ crons: ["@hourly"] });
  });

  it("takes a weekday schedule on 31 February, which Airflow fires on the weekday (Dagster refuses it)", () => {
    const feb = structuredClone(example);
    feb.orchestration.schedules[0].cron = "0 0 31 2 1";
    const { files } = new AirflowPlugin().generate(parseArtifacts(feb).artifacts);
    expect(files.map((f) => f.content).join("\n")).toContain("0 0 31 2 1");
  });
});
