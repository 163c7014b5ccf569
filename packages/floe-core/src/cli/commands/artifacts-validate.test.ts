/** Spawns the built CLI (`pnpm build` first) on the bad-input corpus and the valid fixtures. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../../bin/floe.js", import.meta.url));
const fixtures = fileURLToPath(new URL("../../../test/fixtures/artifacts/", import.meta.url));

function floe(args: string[], cwd = fixtures) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Each malformed document and the field path its one error line must name. */
const BAD: Record<string, string> = {
  "data-contracts-not-array": "data_contracts",
  "dbt-profiles-array": "dbt_profiles",
  empty: "(document)",
  "graph-cycle": "transforms.models[0].depends_on",
  "graph-dangling-dependency": "transforms.models[2].depends_on[1]",
  "graph-duplicate-model": "transforms.models[1].name",
  "graph-self-dependency": "transforms.models[1].depends_on",
  "identity-not-object": "identity",
  "inheritance-scope-unknown": "inheritance_chain[0].scope",
  "metadata-compiled-at-missing": "metadata.compiled_at",
  "metadata-missing": "metadata",
  "metadata-product-name-empty": "metadata.product_name",
  "metadata-product-name-number": "metadata.product_name",
  "mode-unknown": "mode",
  "newline-in-model-name": "transforms.models[2].depends_on[1]",
  "not-json": "(document)",
  "observability-lineage-string": "observability.lineage",
  "observability-transport-unknown": "observability.lineage_transport",
  "orchestration-job-duplicate": "orchestration.jobs[1].name",
  "orchestration-job-extra-field": "orchestration.jobs[0]",
  "orchestration-job-unknown-model": "orchestration.jobs[0].select.models[0]",
  "orchestration-partitioning-daily-start-hour": "orchestration.partitioning.start",
  "orchestration-partitioning-granularity-unknown": "orchestration.partitioning.granularity",
  "orchestration-partitioning-same-vars": "orchestration.partitioning.vars.end",
  "orchestration-partitioning-start-not-a-date": "orchestration.partitioning.start",
  "orchestration-partitioning-timezone-unknown": "orchestration.partitioning.timezone",
  "orchestration-partitioning-with-schedule": "orchestration.schedules[0]",
  "orchestration-schedule-unknown-job": "orchestration.schedules[0].job",
  "plugins-compute-missing": "plugins.compute",
  "plugins-version-not-semver": "plugins.orchestrator.version",
  "top-level-array": "(document)",
  "top-level-null": "(document)",
  "top-level-string": "(document)",
  "trailing-garbage": "(document)",
  "transforms-default-compute-missing": "transforms.default_compute",
  "transforms-depends-on-string": "transforms.models[2].depends_on",
  "transforms-model-compute-number": "transforms.models[0].compute",
  "transforms-model-name-missing": "transforms.models[1].name",
  "transforms-models-empty": "transforms.models",
  "transforms-models-not-array": "transforms.models",
  "transforms-quality-tier-unknown": "transforms.models[2].quality_tier",
  "transforms-tags-string": "transforms.models[0].tags",
  "version-0-0-1": "version",
  "version-major-1": "version",
  "version-major-2": "version",
  "version-missing": "version",
  "version-not-semver": "version",
  "version-number": "version",
  "whitespace-only": "(document)",
};

/** Exit 2, nothing on stdout, exactly one stderr line `floe: CODE at <path>: …`, no stack trace. */
function expectBadInput(result: ReturnType<typeof floe>, path?: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe("");
  expect(lines[0]).toMatch(/^floe: FLOE_[A-Z_]+( at .+)?: .+/);
  if (path !== undefined) expect(lines[0]!.startsWith(`floe: `) && lines[0]!.includes(` at ${path}: `)).toBe(true);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

describe("floe artifacts validate", () => {
  it("has an expectation for every file of the bad corpus (at least 25)", () => {
    const files = readdirSync(`${fixtures}bad`)
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    expect(files).toEqual(Object.keys(BAD).sort());
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(Object.entries(BAD))("refuses bad/%s.json naming %s", (name, path) => {
    expectBadInput(floe(["artifacts", "validate", `bad/${name}.json`]), path);
  });

  it.each(["v0.1.0.json", "v0.6.0.json", "v0.10.0.json"])("accepts %s", (file) => {
    const result = floe(["artifacts", "validate", file]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("valid CompiledArtifacts");
    const json = floe(["artifacts", "validate", file, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, warnings: [] });
  });

  it("refuses a missing file, a directory, unknown flags and unknown commands with exit 2", () => {
    expectBadInput(floe(["artifacts", "validate", "no-such.json"]), "<artifacts.json>");
    expectBadInput(floe(["artifacts", "validate", "bad"]), "<artifacts.json>");
    expectBadInput(floe(["artifacts", "validate"]), "<artifacts.json>");
    expectBadInput(floe(["artifacts", "validate", "v0.6.0.json", "--frobnicate"]));
    expectBadInput(floe(["artifacts", "validate", "v0.6.0.json", "extra.json"]));
    expectBadInput(floe(["artifacts", "frobnicate"]));
    expectBadInput(floe(["frobnicate"]));
    expectBadInput(floe(["--frobnicate"]));
  });

  it("--json prints every problem as JSON on stdout (exit 2, the stderr line as without --json)", () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-validate-json-"));
    try {
      const doc = JSON.parse(readFileSync(`${fixtures}v0.10.0.json`, "utf8")) as Record<string, any>;
      doc.metadata.product_name = 5;
      doc.mode = "weird";
      doc.transforms.models[0].tags = "x";
      writeFileSync(join(dir, "three.json"), JSON.stringify(doc));
      const result = floe(["artifacts", "validate", "three.json", "--json"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^floe: FLOE_ARTIFACTS_INVALID at metadata\.product_name: [^\n]*\(and 2 more problems\)[^\n]*\n$/);
      const report = JSON.parse(result.stdout) as { valid: boolean; problems: Array<{ code: string; path: string; message: string }> };
      expect(report.valid).toBe(false);
      expect(report.problems.map((p) => [p.code, p.path])).toEqual([
        ["FLOE_ARTIFACTS_INVALID", "metadata.product_name"],
        ["FLOE_ARTIFACTS_INVALID", "mode"],
        ["FLOE_ARTIFACTS_INVALID", "transforms.models[0].tags"],
      ]);
      for (const p of report.problems) expect(p.message.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const SAMPLE = [
    "empty",
    "not-json",
    "top-level-array",
    "version-missing",
    "graph-cycle",
    "orchestration-job-duplicate",
    "metadata-missing",
  ];
  it.each(Object.entries(BAD).filter(([name]) => SAMPLE.includes(name)))(
    "--json on bad/%s.json: one JSON report on stdout naming %s",
    (name, path) => {
      const result = floe(["artifacts", "validate", `bad/${name}.json`, "--json"]);
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout) as { valid: boolean; problems: Array<{ path: string }> };
      expect(report.valid).toBe(false);
      expect(report.problems[0]!.path).toBe(path);
    },
  );

  it("prints the stack only with --debug", () => {
    const result = floe(["artifacts", "validate", "bad/graph-cycle.json", "--debug"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
