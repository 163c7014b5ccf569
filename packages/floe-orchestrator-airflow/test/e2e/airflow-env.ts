/** Shared setup for the Airflow e2e tests: the cached venv, a throwaway AIRFLOW_HOME, and a process runner. */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const E2E_DIR = fileURLToPath(new URL(".", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** The cached Airflow venv (built once by scripts/python-env.sh; several minutes the first time). */
export function airflowVenv(): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/python-env.sh"), "airflow"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export interface AirflowHome {
  home: string;
  dags: string;
  venv: string;
  python: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A fresh AIRFLOW_HOME with a migrated SQLite database. */
export async function createAirflowHome(extraEnv: NodeJS.ProcessEnv = {}): Promise<AirflowHome> {
  const venv = airflowVenv();
  const home = mkdtempSync(join(tmpdir(), "floe-airflow-"));
  const dags = join(home, "dags");
  mkdirSync(dags);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(venv, "bin")}:${process.env.PATH ?? ""}`,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    AIRFLOW__CORE__UNIT_TEST_MODE: "False",
    DBT_SEND_ANONYMOUS_USAGE_STATS: "False",
    DO_NOT_TRACK: "1",
    ...extraEnv,
  };
  const airflowHome: AirflowHome = {
    home,
    dags,
    venv,
    python: join(venv, "bin", "python"),
    env,
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
  await run(join(venv, "bin", "airflow"), ["db", "migrate"], { env, timeoutMs: 300_000 });
  return airflowHome;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 300_000, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        if (code !== 0 && !options.allowFailure) {
          reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-4000)}`));
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface DagBagReport {
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      timetable: string;
      timetable_fields: Record<string, string>;
      catchup: boolean;
      tags: string[];
      doc_md: string;
      tasks: Record<string, { upstream: string[]; serialized_upstream: string[]; model: string; retries: number; owner: string; template_fields: string[]; execution_timeout: number | null }>;
    }
  >;
  ast_errors: Record<string, string>;
}

/** Loads `folder` in one DagBag (and ast.parse of every file) inside the venv. */
export async function loadDagBag(airflow: AirflowHome, folder: string): Promise<DagBagReport> {
  const out = join(airflow.home, `dagbag-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await run(airflow.python, [join(E2E_DIR, "dagbag-report.py"), folder, out], { env: airflow.env });
  const { readFileSync } = await import("node:fs");
  return JSON.parse(readFileSync(out, "utf8")) as DagBagReport;
}

/** Task states of a DAG's runs, read from the Airflow metadata database. */
export async function taskStates(airflow: AirflowHome, dagId: string): Promise<Record<string, string>> {
  const script = [
    "import json, sqlite3, sys",
    "con = sqlite3.connect(sys.argv[1])",
    "rows = con.execute('select task_id, state from task_instance where dag_id = ?', (sys.argv[2],)).fetchall()",
    "print(json.dumps(dict(rows)))",
  ].join("\n");
  const { stdout } = await run(airflow.python, ["-c", script, join(airflow.home, "airflow.db"), dagId], { env: airflow.env });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, string>;
}
