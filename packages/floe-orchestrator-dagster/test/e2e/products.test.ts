/**
 * Several products in one Dagster deployment, and a data-triggered run between them: `floe generate` of
 * the example split into jaffle_raw (seeds and staging) and jaffle_marts (consumes jaffle_raw's staging
 * models) writes one code location per product and one workspace.yaml; `dagster dev` on it (webserver
 * and daemon, which evaluates sensors and launches queued runs); `floe run` starts jaffle_raw's job,
 * then jaffle_marts' sensor starts its job (no schedule anywhere), which succeeds.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeHttp } from "floe-core";
import { runFloe } from "floe-test-utils/floe-cli";
import { parse } from "yaml";
import { EXAMPLE, ROOT, copyExample, dbtParse, makeWorkspace, spawn, type Workspace } from "./tools.js";

const RAW = join(EXAMPLE, "products", "jaffle_raw.json");
const MARTS = join(EXAMPLE, "products", "jaffle_marts.json");

let ws: Workspace;
let out: string;
let url: string;
let log = "";
let child: ReturnType<typeof spawn> | undefined;

const floe = (argv: string[]) => runFloe(argv, { cwd: ROOT, env: process.env });

async function graphql(query: string): Promise<Record<string, any>> {
  const r = await probeHttp(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
    deadlineMs: 10_000,
  });
  if (!r.ok || r.status !== 200) throw new Error(`graphql: ${r.ok ? r.status : r.kind}`);
  return (JSON.parse(r.body) as { data: Record<string, any> }).data;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${log.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

let generated: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  ws = makeWorkspace("floe-dagster-products-");
  const project = join(ws.dir, "project");
  copyExample(project);
  dbtParse(ws, project);
  out = join(ws.dir, "out");
  generated = await floe(["generate", RAW, MARTS, "--orchestrator", "dagster", "--out", out, "--dbt-project", project]);
  if (generated.code !== 0) return;
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  url = `http://127.0.0.1:${port}`;
  // dagster dev: the webserver and the daemon (sensors, the run queue) on the generated workspace.
  child = spawn(join(ws.venv, "bin", "dagster"), ["dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", String(port)], {
    cwd: out,
    env: ws.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  await until(
    "both code locations loaded",
    async () => {
      const data = await graphql("{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }");
      const entries = data.workspaceOrError.locationEntries as Array<{ name: string; loadStatus: string }>;
      return entries.length === 2 && entries.every((e) => e.loadStatus === "LOADED") ? entries : undefined;
    },
    240_000,
  );
}, 600_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }
});

describe("two products in one Dagster deployment", () => {
  it("one code location per product, one workspace.yaml and one chart values.yaml listing both", () => {
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stderr).not.toMatch(/code location per release/);
    const values = parse(readFileSync(join(out, "values.yaml"), "utf8")) as { userCode: { codeLocations: unknown } };
    expect(values.userCode.codeLocations).toEqual([
      { name: "jaffle_raw", module: "floe_jaffle_raw.definitions" },
      { name: "jaffle_marts", module: "floe_jaffle_marts.definitions" },
    ]);
    const workspace = parse(readFileSync(join(out, "workspace.yaml"), "utf8")) as {
      load_from: Array<{ python_module: { module_name: string; location_name: string } }>;
    };
    expect(workspace.load_from.map((l) => [l.python_module.location_name, l.python_module.module_name])).toEqual([
      ["jaffle_raw", "floe_jaffle_raw.definitions"],
      ["jaffle_marts", "floe_jaffle_marts.definitions"],
    ]);
    const marts = readFileSync(join(out, "floe_jaffle_marts", "definitions.py"), "utf8");
    expect(marts).toContain('CONSUMED_ASSETS = [["stg_customers"], ["stg_orders"], ["stg_payments"]]');
    expect(marts).not.toContain("ScheduleDefinition");
    expect(readFileSync(join(out, "floe_jaffle_raw", "compiled_artifacts.json"), "utf8")).toContain('"product_name": "jaffle_raw"');
  });

  it("refuses two dbt projects with exit 2 and one line naming --dbt-project, writing nothing", async () => {
    const other = join(ws.dir, "other-project");
    copyExample(other);
    const refused = await floe([
      "generate",
      RAW,
      MARTS,
      "--orchestrator",
      "dagster",
      "--out",
      join(ws.dir, "refused"),
      "--dbt-project",
      join(ws.dir, "project"),
      "--dbt-project",
      other,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/^floe: .*--dbt-project.*products "jaffle_raw" and "jaffle_marts" run different dbt projects/);
    expect(existsSync(join(ws.dir, "refused"))).toBe(false);
  });

  it("a run of jaffle_raw's job starts jaffle_marts' job through its sensor, and it succeeds", async () => {
    expect(generated.code).toBe(0);
    const before = await graphql('{ runsOrError(filter: {pipelineName: "jaffle_marts"}) { ... on Runs { results { runId } } } }');
    expect(before.runsOrError.results).toEqual([]);
    const producer = await floe(["run", RAW, "--orchestrator", "dagster", "--url", url, "--wait", "--json"]);
    expect(producer.stderr).toBe("");
    expect(producer.code, `${producer.stdout}\n${log.slice(-3000)}`).toBe(0);
    const consumer = await until(
      "jaffle_marts' run started by its sensor to finish",
      async () => {
        const data = await graphql(
          '{ runsOrError(filter: {pipelineName: "jaffle_marts"}) { ... on Runs { results { runId status tags { key value } } } } }',
        );
        const r = data.runsOrError.results[0] as { status: string; tags: Array<{ key: string; value: string }> } | undefined;
        return r && ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status) ? r : undefined;
      },
      300_000,
    );
    expect(consumer.status, log.slice(-4000)).toBe("SUCCESS");
    expect(consumer.tags).toContainEqual({ key: "dagster/sensor_name", value: "jaffle_marts_on_consumed_assets" });
  });
});
