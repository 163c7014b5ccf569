// `pnpm version-packages` in a scratch copy of the repository: the real `changeset version` with this
// repository's .changeset/config.json, then scripts/sync-chart-versions.mjs on fixture charts.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const packages = ["floe-core", "floe-orchestrator-dagster", "floe-orchestrator-airflow"];
const charts = { "floe-dagster": "floe-orchestrator-dagster", "floe-airflow": "floe-orchestrator-airflow" } as const;

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** package.json files, the workspace file, the changesets config (no pending changesets) and fixture charts. */
async function copyRepo(options: { charts?: Array<keyof typeof charts> } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "floe-version-"));
  scratch = dir;
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset/config.json", "scripts/sync-chart-versions.mjs"]) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await cp(join(repo, file), join(dir, file));
  }
  for (const name of packages) {
    await mkdir(join(dir, "packages", name), { recursive: true });
    await cp(join(repo, "packages", name, "package.json"), join(dir, "packages", name, "package.json"));
  }
  for (const chart of options.charts ?? (Object.keys(charts) as Array<keyof typeof charts>)) {
    await cp(join(repo, "test/fixtures/charts", chart), join(dir, "charts", chart), { recursive: true });
  }
  // changeset resolves its changelog generator from the project; reuse the repository's install.
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

async function addChangeset(dir: string, id: string, releases: Record<string, "major" | "minor" | "patch">, summary: string) {
  const front = Object.entries(releases)
    .map(([name, type]) => `"${name}": ${type}`)
    .join("\n");
  await writeFile(join(dir, ".changeset", `${id}.md`), `---\n${front}\n---\n\n${summary}\n`);
}

/** What the root `version-packages` script runs, in the scratch copy. */
async function versionPackages(dir: string) {
  await run(join(dir, "node_modules/.bin/changeset"), ["version"], { cwd: dir });
  return run(process.execPath, [join(dir, "scripts/sync-chart-versions.mjs"), "--root", dir]);
}

async function readPackage(dir: string, name: string): Promise<{ version: string; peerDependencies?: Record<string, string> }> {
  return JSON.parse(await readFile(join(dir, "packages", name, "package.json"), "utf8"));
}

async function chartVersions(dir: string, chart: string): Promise<{ version?: string; appVersion?: string }> {
  const text = await readFile(join(dir, "charts", chart, "Chart.yaml"), "utf8");
  return {
    version: /^version: (.*)$/m.exec(text)?.[1],
    appVersion: /^appVersion: "(.*)"$/m.exec(text)?.[1],
  };
}

function bumpMinor(version: string): string {
  const [major, minor] = version.split(".").map(Number);
  return `${major}.${minor! + 1}.0`;
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

describe("pnpm version-packages", () => {
  it("moves a plugin, its CHANGELOG and its chart together, and leaves floe-core alone", async () => {
    const dir = await copyRepo();
    const before = await readPackage(dir, "floe-orchestrator-dagster");
    const coreBefore = await readFile(join(dir, "packages/floe-core/package.json"), "utf8");
    await addChangeset(dir, "dagster-schedules", { "floe-orchestrator-dagster": "minor" }, "Dagster schedules from artifacts.");

    await versionPackages(dir);

    const after = await readPackage(dir, "floe-orchestrator-dagster");
    const expected = bumpMinor(before.version);
    expect(after.version).toBe(expected);
    const changelog = await readFile(join(dir, "packages/floe-orchestrator-dagster/CHANGELOG.md"), "utf8");
    expect(changelog).toContain(`## ${expected}`);
    expect(changelog).toContain("Dagster schedules from artifacts.");
    expect(await chartVersions(dir, "floe-dagster")).toEqual({ version: expected, appVersion: expected });

    expect(await readFile(join(dir, "packages/floe-core/package.json"), "utf8")).toBe(coreBefore);
    expect(await exists(join(dir, "packages/floe-core/CHANGELOG.md"))).toBe(false);
    // The other chart follows its own (unchanged) package; the fixture had no appVersion, the sync adds it.
    const airflow = await readPackage(dir, "floe-orchestrator-airflow");
    expect(await chartVersions(dir, "floe-airflow")).toEqual({ version: airflow.version, appVersion: airflow.version });
    expect(await exists(join(dir, ".changeset/dagster-schedules.md"))).toBe(false);
  });

  it("does not major-bump the plugins when floe-core releases a minor", async () => {
    const dir = await copyRepo();
    const core = await readPackage(dir, "floe-core");
    const plugins = {
      dagster: await readPackage(dir, "floe-orchestrator-dagster"),
      airflow: await readPackage(dir, "floe-orchestrator-airflow"),
    };
    await addChangeset(dir, "core-feature", { "floe-core": "minor" }, "A new floe-core feature.");

    await versionPackages(dir);

    expect((await readPackage(dir, "floe-core")).version).toBe(bumpMinor(core.version));
    for (const name of ["floe-orchestrator-dagster", "floe-orchestrator-airflow"] as const) {
      const after = await readPackage(dir, name);
      const before = name.endsWith("dagster") ? plugins.dagster : plugins.airflow;
      expect(after.version, `${name} version`).toBe(before.version);
      expect(after.peerDependencies?.["floe-core"]).toBe(before.peerDependencies?.["floe-core"]);
    }
    expect(await chartVersions(dir, "floe-dagster")).toEqual({ version: plugins.dagster.version, appVersion: plugins.dagster.version });
  });

  it("syncs the charts that exist and fails naming the one that is missing", async () => {
    const dir = await copyRepo({ charts: ["floe-dagster"] });
    await addChangeset(dir, "dagster-fix", { "floe-orchestrator-dagster": "patch" }, "A Dagster fix.");
    await run(join(dir, "node_modules/.bin/changeset"), ["version"], { cwd: dir });

    const failure = await run(process.execPath, [join(dir, "scripts/sync-chart-versions.mjs"), "--root", dir]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(
      /^sync-chart-versions: charts\/floe-airflow\/Chart\.yaml not found: chart not synced with floe-orchestrator-airflow \(hint: .*\)$/,
    );
    const { version } = await readPackage(dir, "floe-orchestrator-dagster");
    expect(await chartVersions(dir, "floe-dagster")).toEqual({ version, appVersion: version });
  });
});
