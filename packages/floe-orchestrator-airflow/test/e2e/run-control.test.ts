/**
 * `floe run` against a real Airflow 3 (api-server + scheduler + dag processor, LocalExecutor, one
 * start for the whole file) serving the example's generated DAGs, with one model's SQL broken: the
 * product's DAG fails at that model (exit 1, a line per model), the daily_marts DAG succeeds (exit 0),
 * and bad input — an unknown job, a DAG that is not deployed, a run id that does not exist, a bad token
 * or password — is one line naming what is wrong, never the secret.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyDbtProject } from "floe-test-utils/dbt-project";
import { parseArtifactsJson, probeHttp, writeOutputDirectory } from "floe-core";
import { runFloe, spawnFloe } from "floe-test-utils/floe-cli";
import { AirflowPlugin } from "../../src/index.js";
import { REPO_ROOT, SCHEDULED_RUNS_ENV, apiToken, startAirflowServers, useScratchPaths, type AirflowServers } from "./airflow-env.js";

const EXAMPLE = join(REPO_ROOT, "examples", "jaffle_shop");
const artifacts = parseArtifactsJson(readFileSync(join(EXAMPLE, "compiled_artifacts.json"), "utf8")).artifacts;
const MODELS = (artifacts.transforms?.models ?? []).map((m) => m.name);
const BROKEN = "customer_revenue";

let servers: AirflowServers;
let artifactsFile: string;

/** The built `floe` bin as a child process, without the ambient Airflow credentials unless `env` gives them. */
const floe = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnFloe(args, {
    cwd: REPO_ROOT,
    env: { ...process.env, AIRFLOW_USERNAME: "", AIRFLOW_PASSWORD: "", AIRFLOW_API_TOKEN: "", ...env },
  });

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  servers = await startAirflowServers({
    env: SCHEDULED_RUNS_ENV,
    prepare: async (airflow) => {
      const project = join(airflow.home, "project");
      copyDbtProject(EXAMPLE, project);
      writeFileSync(join(project, "models", "marts", `${BROKEN}.sql`), "select no_such_column from no_such_table\n");
      useScratchPaths(airflow);
      await writeOutputDirectory(
        airflow.dags,
        new AirflowPlugin({ dbtProjectDir: project, retries: 0 }).createDefinitions(artifacts).render(),
      );
      artifactsFile = join(airflow.home, "artifacts.json");
      writeFileSync(artifactsFile, JSON.stringify(artifacts));
    },
  });
  // The dag processor parses the files once it is up: wait until both DAGs are in the API.
  const jwt = await apiToken(servers);
  const deadline = Date.now() + 180_000;
  for (const dag of [artifacts.metadata.product_name, "daily_marts"]) {
    for (;;) {
      const r = await probeHttp(`${servers.url}/api/v2/dags/${dag}`, { headers: { authorization: `Bearer ${jwt}` }, deadlineMs: 5000 });
      if (r.ok && r.status === 200) break;
      if (Date.now() > deadline) throw new Error(`DAG ${dag} was not parsed (logs in ${servers.airflow.home})`);
      await new Promise((res) => setTimeout(res, 2000));
    }
  }
}, 600_000);

afterAll(async () => {
  await servers?.stop();
});

describe("floe run against a live Airflow 3", () => {
  it("a run whose model fails: a JSON line per model as it ends, the failed one named, exit 1", async () => {
    const auth = { AIRFLOW_USERNAME: servers.username, AIRFLOW_PASSWORD: servers.password };
    const result = await floe(["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url, "--wait", "--json"], auth);
    expect(result.stderr).toBe("");
    expect(result.code, result.stdout).toBe(1);
    const events = lines(result.stdout);
    expect(events[0]).toMatchObject({ event: "started", orchestrator: "airflow", job: artifacts.metadata.product_name });
    const perModel = events.filter((e) => e.event === "model");
    // Every model once: the broken one failed, the one downstream of nothing broken succeeded.
    expect(perModel.map((e) => e.model).sort()).toEqual([...MODELS].sort());
    expect(perModel.find((e) => e.model === BROKEN)).toMatchObject({ state: "failed" });
    for (const e of perModel.filter((e) => e.model !== BROKEN)) expect(e.state, String(e.model)).toBe("success");
    expect(events.at(-1)).toMatchObject({ event: "finished", state: "failed", runId: events[0]!.runId });

    // The same run read back by id: its state and every model's.
    const status = await floe(
      [
        "run",
        "status",
        String(events[0]!.runId),
        "--job",
        artifacts.metadata.product_name,
        "--orchestrator",
        "airflow",
        "--url",
        servers.url,
        "--artifacts",
        artifactsFile,
      ],
      auth,
    );
    expect(status.code).toBe(1);
    expect(lines(status.stdout)[0]).toMatchObject({ event: "status", state: "failed" });
  });

  it("a run that succeeds, on a terminal: a progress line per model, exit 0", async () => {
    const saved = { user: process.env.AIRFLOW_USERNAME, password: process.env.AIRFLOW_PASSWORD };
    process.env.AIRFLOW_USERNAME = servers.username;
    process.env.AIRFLOW_PASSWORD = servers.password;
    let result: { code: number; stdout: string; stderr: string };
    try {
      result = await runFloe(["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url, "--job", "daily_marts", "--wait"], {
        cwd: REPO_ROOT,
        env: process.env,
        stdoutIsTTY: true,
      });
    } finally {
      process.env.AIRFLOW_USERNAME = saved.user;
      process.env.AIRFLOW_PASSWORD = saved.password;
    }
    const { code, stdout: out, stderr: err } = result;
    expect(err).toBe("");
    expect(code, out).toBe(0);
    const text = out.trim().split("\n");
    expect(text[0]).toMatch(/^started run \S+ of daily_marts on airflow at http:\/\/127\.0\.0\.1:\d+$/);
    expect(text.slice(1, -1).sort()).toEqual(["  ok   customers (success)", "  ok   orders (success)"]);
    expect(text.at(-1)).toMatch(/^run \S+ of daily_marts: success$/);
  });

  it("bad input is one line: unknown job (2), DAG not deployed (1), DAG paused (1), run id that does not exist (2)", async () => {
    const auth = { AIRFLOW_USERNAME: servers.username, AIRFLOW_PASSWORD: servers.password };
    const unknown = await floe(["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url, "--job", "nope"], auth);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^floe: FLOE_USAGE at --job: the artifacts define no job "nope" \(hint: use one of jaffle_shop, daily_marts\)\n$/,
    );

    const other = join(servers.airflow.home, "other.json");
    writeFileSync(
      other,
      JSON.stringify({ ...artifacts, metadata: { ...artifacts.metadata, product_name: "not_deployed" }, orchestration: undefined }),
    );
    const missing = await floe(["run", other, "--orchestrator", "airflow", "--url", servers.url], auth);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^floe: FLOE_RUN_TARGET_NOT_DEPLOYED: DAG "not_deployed" is not deployed on the Airflow API server at http:\/\/127\.0\.0\.1:\d+ \(hint: [^\n]+\)\n$/,
    );

    // A paused DAG would queue the run until someone unpauses it: refused with the command that unpauses it.
    await new Promise<void>((resolve, reject) => {
      const cli = spawn(join(servers.airflow.venv, "bin", "airflow"), ["dags", "pause", "daily_marts"], {
        env: servers.airflow.env,
        stdio: "ignore",
      });
      cli.on("error", reject);
      cli.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`airflow dags pause exited ${code}`))));
    });
    const paused = await floe(
      ["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url, "--job", "daily_marts", "--wait"],
      auth,
    );
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(
      /^floe: FLOE_RUN_REFUSED: DAG "daily_marts" is paused: a run would wait in the queue until it is unpaused \(hint: unpause it first \(airflow dags unpause daily_marts, or the toggle in the UI\)\)\n$/,
    );

    const noRun = await floe(
      ["run", "status", "manual__no-such-run", "--job", "daily_marts", "--orchestrator", "airflow", "--url", servers.url],
      auth,
    );
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(
      /^floe: FLOE_RUN_NOT_FOUND at <run-id>: Airflow has no run "manual__no-such-run" of DAG "daily_marts" \(hint: [^\n]+\)\n$/,
    );
  });

  it("a bad token or password: one line, exit 1, the secret nowhere", async () => {
    const token = "floe-bad-token-5e1d";
    const badToken = await floe(["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url, "--wait"], {
      AIRFLOW_API_TOKEN: token,
    });
    expect(badToken.code).toBe(1);
    expect(badToken.stdout).toBe("");
    expect(badToken.stderr).toMatch(
      /^floe: FLOE_CONNECTION_FAILED: reading DAG jaffle_shop: Airflow refused the token in AIRFLOW_API_TOKEN \(HTTP 40[13][^)\n]*\) \(hint: the token is invalid[^\n]+\)\n$/,
    );
    expect(badToken.stderr).not.toContain(token);

    const password = "wrong-pw-93c2";
    const badPassword = await floe(["run", artifactsFile, "--orchestrator", "airflow", "--url", servers.url], {
      AIRFLOW_USERNAME: "admin",
      AIRFLOW_PASSWORD: password,
    });
    expect(badPassword.code).toBe(1);
    expect(badPassword.stderr).toMatch(
      /^floe: FLOE_CONNECTION_FAILED: Airflow rejected the credentials of user "admin" \(HTTP 401 from \/auth\/token\) \(hint: [^\n]+\)\n$/,
    );
    expect(badPassword.stderr + badPassword.stdout).not.toContain(password);
  });
});
