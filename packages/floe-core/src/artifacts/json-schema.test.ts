import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { compiledArtifactsJsonSchema } from "./json-schema.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/artifacts/", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/floe.js", import.meta.url));
const read = (file: string) => JSON.parse(readFileSync(`${fixtures}${file}`, "utf8")) as unknown;

describe("compiledArtifactsJsonSchema", () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(compiledArtifactsJsonSchema());

  it.each(["v0.1.0.json", "v0.6.0.json", "v0.10.0.json"])("accepts the valid fixture %s (ajv)", (file) => {
    const ok = validate(read(file));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("refuses the shape errors of the bad corpus (graph and version-range checks are the CLI's)", () => {
    const shapeErrors = readdirSync(`${fixtures}bad`).filter((f) =>
      /^(metadata|identity|mode|observability|inheritance|plugins|transforms|data-contracts|dbt-profiles|version-(missing|number|not-semver)|top-level)/.test(
        f,
      ),
    );
    expect(shapeErrors.length).toBeGreaterThan(20);
    for (const file of shapeErrors) expect([file, validate(read(`bad/${file}`))]).toEqual([file, false]);
  });

  it("marks every field upstream floe 0.10.0 does not know as an extension (the README's contract table)", () => {
    type Node = { description?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };
    const schema = compiledArtifactsJsonSchema() as Node;
    const unwrap = (n: Node): Node => n.anyOf?.find((a) => a.properties || a.items) ?? n;
    const model = unwrap(unwrap(unwrap(schema.properties!.transforms!).properties!.models!).items!);
    for (const field of [
      "path",
      "schema_name",
      "materialization",
      "meta",
      "description",
      "unique_id",
      "alias",
      "sources",
      "run_settings",
    ]) {
      const node = model.properties![field]!;
      expect(node.description ?? unwrap(node).description, field).toMatch(/^extension: /);
    }
    for (const field of ["name", "compute", "tags", "depends_on", "quality_checks", "quality_tier"])
      expect(model.properties![field]!.description ?? "", field).not.toMatch(/^extension/);
    expect(JSON.stringify(schema.properties!.orchestration)).toContain("extension: named jobs and schedules");
    expect(schema.description).toMatch(/forbid extra keys/);
    expect(JSON.stringify(unwrap(schema.properties!.observability!).properties!.telemetry)).toMatch(/Python 0\.10\.0 models require it/);
  });

  it("is what `floe artifacts schema` prints", () => {
    const result = spawnSync(process.execPath, [bin, "artifacts", "schema"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(compiledArtifactsJsonSchema());
    expect(spawnSync(process.execPath, [bin, "artifacts", "schema", "x"], { encoding: "utf8" }).status).toBe(2);
  });
});
