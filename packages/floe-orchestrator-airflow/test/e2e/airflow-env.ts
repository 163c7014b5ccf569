/** Shared setup for the Airflow e2e tests: the cached venv, a throwaway AIRFLOW_HOME, and a process runner. */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FLOE_BIN } from "floe-test-utils/floe-cli";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const E2E_DIR = fileURLToPath(new URL(".", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** The cached Airflow venv (built once by scripts/python-env.sh; several minutes the first time). */
export function airflowVenv(): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/python-env.sh"), "airflow"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
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
      tasks: Record<
        string,
        {
          upstream: string[];
          serialized_upstream: string[];
          model: string;
          retries: number;
          owner: string;
          template_fields: string[];
          execution_timeout: number | null;
        }
      >;
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

export interface AirflowServers {
  airflow: AirflowHome;
  /** The API server's base URL, http://127.0.0.1:<free port>. */
  url: string;
  /** The simple auth manager's user and password. */
  username: string;
  password: string;
  /** Stops every process (their process groups) and removes AIRFLOW_HOME. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real Airflow 3 on 127.0.0.1: api-server (simple auth manager, user `admin`), scheduler and dag
 * processor, sharing a fresh AIRFLOW_HOME; resolves when the scheduler and dag processor report healthy.
 * `prepare` runs after the database migration and before the processes start (e.g. to fill the dags folder).
 */
export async function startAirflowServers(
  options: { env?: NodeJS.ProcessEnv; prepare?: (airflow: AirflowHome) => Promise<void> } = {},
): Promise<AirflowServers> {
  const { spawn } = await import("node:child_process");
  const { openSync, writeFileSync } = await import("node:fs");
  const { probeHttp } = await import("floe-core");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const airflow = await createAirflowHome({
    AIRFLOW__API__HOST: "127.0.0.1",
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__WORKERS: "1",
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${url}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: "admin:admin",
    ...options.env,
  });
  const password = "floe-test-pw";
  const passwordsFile = join(airflow.home, "simple_auth_manager_passwords.json");
  writeFileSync(passwordsFile, JSON.stringify({ admin: password }));
  airflow.env.AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE = passwordsFile;
  await options.prepare?.(airflow);
  const processes: import("node:child_process").ChildProcess[] = [];
  const start = (name: string, args: string[]) => {
    const log = openSync(join(airflow.home, `${name}.log`), "a");
    // Own process group, so stopping it also stops the workers it forks.
    processes.push(spawn(join(airflow.venv, "bin", "airflow"), args, { env: airflow.env, detached: true, stdio: ["ignore", log, log] }));
  };
  const stop = async () => {
    for (const child of processes) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
    await Promise.all(
      processes.map((child) =>
        child.exitCode !== null
          ? undefined
          : new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                try {
                  process.kill(-child.pid!, "SIGKILL");
                } catch {
                  // already gone
                }
                resolve();
              }, 15_000);
              child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
            }),
      ),
    );
    airflow.cleanup();
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`timed out waiting for ${what} (logs in ${airflow.home})`);
  };
  try {
    start("api-server", ["api-server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1"]);
    start("scheduler", ["scheduler"]);
    start("dag-processor", ["dag-processor"]);
    await waitFor(
      "the API server",
      async () => {
        const r = await probeHttp(`${url}/api/v2/version`, { deadlineMs: 2000 });
        return r.ok && r.status === 200;
      },
      180_000,
    );
    await waitFor(
      "scheduler and dag processor heartbeats",
      async () => {
        const r = await probeHttp(`${url}/api/v2/monitor/health`, { deadlineMs: 2000 });
        if (!r.ok || r.status !== 200) return false;
        const h = JSON.parse(r.body) as Record<string, { status: string | null } | null>;
        return h.scheduler?.status === "healthy" && h.dag_processor?.status === "healthy";
      },
      180_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { airflow, url, username: "admin", password, stop };
}

/** `floe generate <artifacts> --orchestrator airflow --out <out> --dbt-project <project>`, the built bin from the checkout. */
export function floeGenerate(artifactsFile: string, out: string, project: string): Promise<RunResult> {
  return run(process.execPath, [FLOE_BIN, "generate", artifactsFile, "--orchestrator", "airflow", "--out", out, "--dbt-project", project], {
    cwd: REPO_ROOT,
  });
}

/** The generated openlineage.env as variables (the values are shell-quoted only when they need it). */
export function lineageEnv(dags: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dags, "openlineage.env"), "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, "$1");
  }
  return env;
}

/** OpenLineage events' types per job name, in the order they arrived. */
export function byJob(events: Array<{ eventType: string; job: { name: string } }>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of events) map.set(e.job.name, [...(map.get(e.job.name) ?? []), e.eventType]);
  return map;
}

/** For tests whose DAGs the scheduler runs: unpaused when parsed, one task at a time (DuckDB takes one writer), a 2 s heartbeat. */
export const SCHEDULED_RUNS_ENV: NodeJS.ProcessEnv = {
  AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: "False",
  AIRFLOW__CORE__PARALLELISM: "1",
  AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG: "1",
  AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC: "2",
};

/** The DuckDB file and dbt's target/ and logs/ inside AIRFLOW_HOME, for every Airflow process started after. */
export function useScratchPaths(airflow: AirflowHome): void {
  Object.assign(airflow.env, {
    FLOE_DUCKDB_PATH: join(airflow.home, "warehouse.duckdb"),
    DBT_TARGET_PATH: join(airflow.home, "dbt-target"),
    DBT_LOG_PATH: join(airflow.home, "dbt-logs"),
  });
}

/** A JWT for the simple auth manager's user from the API server's /auth/token ("" when it refuses). */
export async function apiToken(servers: AirflowServers): Promise<string> {
  const { probeHttp } = await import("floe-core");
  const token = await probeHttp(`${servers.url}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: servers.username, password: servers.password }),
  });
  return token.ok ? (JSON.parse(token.body) as { access_token: string }).access_token : "";
}
