/**
 * Several products in one dags folder, and a data-triggered run between them, on a real Airflow 3
 * (api-server + scheduler + dag processor): `floe generate` of the example split into two products,
 * jaffle_raw (seeds and staging) and jaffle_marts (consumes jaffle_raw's staging models). A run of
 * jaffle_raw, triggered with `floe run`, updates the staging models' Assets; the scheduler then
 * starts jaffle_marts (run type asset_triggered, no timetable) and it succeeds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyDbtProject } from "floe-test-utils/dbt-project";
import { probeHttp } from "floe-core";
import { runFloe } from "floe-test-utils/floe-cli";
import { REPO_ROOT, SCHEDULED_RUNS_ENV, apiToken, startAirflowServers, useScratchPaths, type AirflowServers } from "./airflow-env.js";

const EXAMPLE = join(REPO_ROOT, "examples", "jaffle_shop");
const RAW = join(EXAMPLE, "products", "jaffle_raw.json");
const MARTS = join(EXAMPLE, "products", "jaffle_marts.json");

let servers: AirflowServers;
let jwt = "";

const floe = (argv: string[]) => runFloe(argv, { cwd: REPO_ROOT, env: process.env });

async function api(path: string): Promise<Record<string, unknown> | null> {
  const r = await probeHttp(`${servers.url}/api/v2/${path}`, { headers: { authorization: `Bearer ${jwt}` }, deadlineMs: 5000 });
  return r.ok && r.status === 200 ? (JSON.parse(r.body) as Record<string, unknown>) : null;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (logs in ${servers.airflow.home})`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

let generated: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  servers = await startAirflowServers({
    env: SCHEDULED_RUNS_ENV,
    prepare: async (airflow) => {
      const project = join(airflow.home, "project");
      copyDbtProject(EXAMPLE, project, ["products"]);
      useScratchPaths(airflow);
      // One project for both products: each product's DAG selects its own models.
      generated = await floe(["generate", RAW, MARTS, "--orchestrator", "airflow", "--out", airflow.dags, "--dbt-project", project]);
    },
  });
  jwt = await apiToken(servers);
  for (const dag of ["jaffle_raw", "jaffle_marts"])
    await until(`DAG ${dag} parsed`, async () => (await api(`dags/${dag}`)) ?? undefined, 240_000);
}, 600_000);

afterAll(async () => {
  await servers?.stop();
});

describe("two products in one Airflow deployment", () => {
  it("one dags folder: a DAG file per product, one requirements.txt and values.yaml, the plan lists both", () => {
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    const dags = servers.airflow.dags;
    const marts = readFileSync(join(dags, "jaffle_marts.py"), "utf8");
    const raw = readFileSync(join(dags, "jaffle_raw.py"), "utf8");
    // The consumer runs on the consumed Assets, never on a timetable; the producer's staging tasks emit them.
    expect(marts).toContain(
      'schedule=[Asset(name=uri, uri=uri, group="floe_product") for uri in ["floe://jaffle_raw/stg_customers", "floe://jaffle_raw/stg_orders", "floe://jaffle_raw/stg_payments"]],',
    );
    expect(marts).not.toMatch(/Timetable/);
    expect(raw).toContain('    "stg_orders": ["floe://jaffle_raw/stg_orders"],');
    expect(raw).toContain('outlets=[Asset(name=uri, uri=uri, group="floe_product") for uri in PRODUCT_OUTLETS.get(task_id, [])],');
    expect(readFileSync(join(dags, "requirements.txt"), "utf8")).toMatch(/^# .*Data products "jaffle_raw", "jaffle_marts"\.\n/);
    const manifest = JSON.parse(readFileSync(join(dags, ".floe-output.json"), "utf8")) as {
      plan: { product: string; jobs: Array<{ name: string }> };
    };
    expect(manifest.plan.product).toBe("jaffle_raw, jaffle_marts");
    expect(manifest.plan.jobs.map((j) => j.name)).toEqual(["jaffle_raw", "jaffle_marts"]);
  });

  it("--plan against the written output: no change (exit 0)", async () => {
    const plan = await floe([
      "generate",
      RAW,
      MARTS,
      "--orchestrator",
      "airflow",
      "--out",
      servers.airflow.dags,
      "--dbt-project",
      join(servers.airflow.home, "project"),
      "--plan",
    ]);
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain("No changes");
    expect(plan.code).toBe(0);
  });

  it("a run of jaffle_raw triggers jaffle_marts through its Assets, which succeeds", async () => {
    const before = (await api("dags/jaffle_marts/dagRuns")) as { total_entries: number };
    expect(before.total_entries).toBe(0);
    // The plugin reads its credentials from the process environment.
    const saved = { user: process.env.AIRFLOW_USERNAME, password: process.env.AIRFLOW_PASSWORD, token: process.env.AIRFLOW_API_TOKEN };
    Object.assign(process.env, { AIRFLOW_USERNAME: servers.username, AIRFLOW_PASSWORD: servers.password, AIRFLOW_API_TOKEN: "" });
    let producer: Awaited<ReturnType<typeof floe>>;
    try {
      producer = await floe(["run", RAW, "--orchestrator", "airflow", "--url", servers.url, "--wait", "--json"]);
    } finally {
      for (const [k, v] of Object.entries({
        AIRFLOW_USERNAME: saved.user,
        AIRFLOW_PASSWORD: saved.password,
        AIRFLOW_API_TOKEN: saved.token,
      })) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(producer.stderr).toBe("");
    expect(producer.code, producer.stdout).toBe(0);
    const run = await until(
      "jaffle_marts to finish a run triggered by jaffle_raw's Assets",
      async () => {
        const runs = (await api("dags/jaffle_marts/dagRuns")) as { dag_runs: Array<Record<string, unknown>> } | null;
        const r = runs?.dag_runs[0];
        return r && (r.state === "success" || r.state === "failed") ? r : undefined;
      },
      300_000,
    );
    expect(run).toMatchObject({ run_type: "asset_triggered", state: "success" });
    const tasks = (await api(`dags/jaffle_marts/dagRuns/${encodeURIComponent(String(run.dag_run_id))}/taskInstances`)) as {
      task_instances: Array<{ task_id: string; state: string }>;
    };
    const states = Object.fromEntries(tasks.task_instances.map((t) => [t.task_id, t.state]));
    expect(states).toMatchObject({ customers: "success", orders: "success", customer_revenue: "success" });
  });
});
