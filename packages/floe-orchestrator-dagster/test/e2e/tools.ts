// Shared setup for the e2e tests: the cached dagster venv, processes run with it, the example copy.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dagsterTarget } from "floe-test-utils/dagster-output";
import { DBT_FIXTURES, copyDbtProject } from "floe-test-utils/dbt-project";
import { FLOE_BIN } from "floe-test-utils/floe-cli";

export { dagsterDefinitionsFile, dagsterDefinitionsModule, dagsterPackageDir, dagsterTarget } from "floe-test-utils/dagster-output";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export const EXAMPLE = join(ROOT, "examples", "jaffle_shop");
export { FLOE_BIN };
export const INSPECT_PY = join(dirname(fileURLToPath(import.meta.url)), "inspect_definitions.py");

/** A cached venv of python/<tool>/requirements.txt: `dagster` (the full test set) or `dagster-minimal` (no openlineage-python). */
export function dagsterVenv(tool: "dagster" | "dagster-minimal" = "dagster"): string {
  return execFileSync(join(ROOT, "scripts", "python-env.sh"), [tool], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export interface Workspace {
  dir: string;
  venv: string;
  env: NodeJS.ProcessEnv;
}

/** A temp dir with its own DAGSTER_HOME and DuckDB file; the venv's bin first on PATH (as an activated venv). */
export function makeWorkspace(prefix: string, tool: "dagster" | "dagster-minimal" = "dagster"): Workspace {
  const venv = dagsterVenv(tool);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "dagster_home"));
  const env = {
    ...process.env,
    PATH: `${join(venv, "bin")}:${process.env.PATH ?? ""}`,
    DAGSTER_HOME: join(dir, "dagster_home"),
    FLOE_DUCKDB_PATH: join(dir, "warehouse.duckdb"),
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DAGSTER_DISABLE_TELEMETRY: "1",
  };
  return { dir, venv, env };
}

/** A copy of the example dbt project, without what a run left in it (target/, logs/, DuckDB files). */
export function copyExample(dest: string): void {
  copyDbtProject(EXAMPLE, dest);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(ws: Workspace, command: string, args: string[], options: { cwd?: string; input?: string } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ws.dir,
    env: ws.env,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function python(ws: Workspace, args: string[], input?: string): RunResult {
  return run(ws, join(ws.venv, "bin", "python"), args, { input });
}

export function mustSucceed(result: RunResult, what: string): RunResult {
  if (result.status !== 0)
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result;
}

export { spawn };

/** The repository's test dbt projects (test/fixtures/dbt/<name>), shared by both plugins' e2e tests. */
export { DBT_FIXTURES };
const RELATIONS_PY = join(DBT_FIXTURES, "relations.py");

export function copyDbtFixture(name: string, dest: string): void {
  copyDbtProject(join(DBT_FIXTURES, name), dest);
}

/** `dbt parse` of a project in the workspace (the manifest dagster-dbt loads); throws when it fails. */
export function dbtParse(ws: Workspace, project: string): void {
  mustSucceed(run(ws, "dbt", ["parse", "--project-dir", project, "--profiles-dir", project, "--quiet"], { cwd: project }), "dbt parse");
}

/** `floe generate <artifacts> --orchestrator dagster --out <out> --dbt-project <project>` with the built bin; throws when it fails. */
export function floeGenerate(ws: Workspace, artifactsFile: string, out: string, project: string): RunResult {
  return mustSucceed(
    run(ws, process.execPath, [FLOE_BIN, "generate", artifactsFile, "--orchestrator", "dagster", "--out", out, "--dbt-project", project], {
      cwd: ROOT,
    }),
    "floe generate",
  );
}

export type Relations = Record<string, { rows: number; hash: string }>;

/** Every relation in a DuckDB file with its row count and content hash (test/fixtures/dbt/relations.py). */
export function readRelations(ws: Workspace, database: string): Relations {
  return JSON.parse(mustSucceed(python(ws, [RELATIONS_PY, database]), "read relations").stdout) as Relations;
}

export interface DagsterWebserver {
  /** http://127.0.0.1:<free port> */
  url: string;
  /** What the webserver printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A real `dagster-webserver` on 127.0.0.1 serving one generated code location (the output directory,
 * loaded as `-m floe_<product>.definitions -d <out>`), with the default run launcher
 * (runs in subprocesses of the code server) and the default run coordinator (no daemon needed).
 * Resolves when its GraphQL endpoint answers.
 */
export async function startDagsterWebserver(ws: Workspace, out: string): Promise<DagsterWebserver> {
  const { writeFileSync } = await import("node:fs");
  const { createServer } = await import("node:net");
  const { probeHttp } = await import("floe-core");
  writeFileSync(
    join(ws.env.DAGSTER_HOME as string, "dagster.yaml"),
    "telemetry:\n  enabled: false\nrun_coordinator:\n  module: dagster._core.run_coordinator\n  class: DefaultRunCoordinator\n",
  );
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(join(ws.venv, "bin", "dagster-webserver"), ["-h", "127.0.0.1", "-p", String(port), ...dagsterTarget(out)], {
    cwd: ws.dir,
    env: ws.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const r = await probeHttp(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ version }" }),
      deadlineMs: 2000,
    });
    if (r.ok && r.status === 200) return { url, log: () => log, stop };
    if (child.exitCode !== null) throw new Error(`dagster-webserver exited:\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await stop();
  throw new Error(`dagster-webserver did not come up:\n${log.slice(-3000)}`);
}
