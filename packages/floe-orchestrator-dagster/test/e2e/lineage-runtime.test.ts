// Runtime lineage: a real `dagster asset materialize` of the bundled example, generated with an
// OpenLineage endpoint in the artifacts (a loopback backend), emits START and COMPLETE for the run and
// for every model, each event valid against the OpenLineage spec; with one model's SQL broken, that
// model and the run end in FAIL (the models it feeds never start) and the rest still COMPLETE.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArtifactsJson } from "floe-core";
import { freePort, startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";
import { loadSpecValidator } from "floe-test-utils/openlineage-spec";
import {
  EXAMPLE,
  copyExample,
  dagsterDefinitionsModule,
  dagsterTarget,
  dbtParse,
  floeGenerate,
  makeWorkspace,
  mustSucceed,
  python,
  spawn,
  type RunResult,
  type Workspace,
} from "./tools.js";

interface Event {
  eventType: string;
  run: { runId: string; facets?: { parent?: { run: { runId: string }; job: { name: string } }; errorMessage?: { message: string } } };
  job: { namespace: string; name: string };
  inputs: Array<{ namespace: string; name: string }>;
  outputs: Array<{ namespace: string; name: string }>;
}

const API_KEY = "floe-test-key-7f3a";
const EXAMPLE_PROFILES = { jaffle_shop: { target: "dev", outputs: { dev: { type: "duckdb", path: "jaffle_shop.duckdb", threads: 1 } } } };
const exampleArtifacts = parseArtifactsJson(readFileSync(join(EXAMPLE, "compiled_artifacts.json"), "utf8")).artifacts;
const MODELS = (exampleArtifacts.transforms?.models ?? []).map((m) => m.name);
const NAMESPACE = exampleArtifacts.observability?.lineage_namespace ?? "default";
const JOB = exampleArtifacts.metadata.product_name;

/** Generates the example's code location with the backend as lineage endpoint and materializes every asset. */
async function materialize(
  ws: Workspace,
  backend: LineageBackend,
  name: string,
  breakModel?: string,
  source = join(EXAMPLE, "compiled_artifacts.json"),
  endpoint = backend.url,
): Promise<{ result: RunResult; out: string }> {
  const project = join(ws.dir, `${name}-project`);
  copyExample(project);
  if (breakModel) writeFileSync(join(project, "models", "marts", `${breakModel}.sql`), "select no_such_column from no_such_table\n");
  const artifacts = JSON.parse(readFileSync(source, "utf8")) as Record<string, unknown> & { observability: Record<string, unknown> };
  artifacts.observability = { ...artifacts.observability, lineage_endpoint: endpoint };
  // The example's profiles.yml, so floe can name the DuckDB tables (the example's artifacts carry no profile).
  artifacts.dbt_profiles = EXAMPLE_PROFILES;
  const artifactsFile = join(ws.dir, `${name}-artifacts.json`);
  writeFileSync(artifactsFile, JSON.stringify(artifacts));
  dbtParse(ws, project);
  const out = join(ws.dir, `${name}-out`);
  floeGenerate(ws, artifactsFile, out, project);
  // Asynchronously: the backend answers from this process's event loop while Dagster runs.
  const result = await runAsync(ws, "dagster", ["asset", "materialize", "--select", "*", ...dagsterTarget(out)]);
  return { result, out };
}

function runAsync(ws: Workspace, command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ws.dir, env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function byJob(events: Event[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of events) map.set(e.job.name, [...(map.get(e.job.name) ?? []), e.eventType]);
  return map;
}

describe("runtime lineage from a Dagster materialization of the example", () => {
  let backend: LineageBackend;
  let ws: Workspace;
  let ok: { result: RunResult; out: string; events: Event[] };
  let failing: { result: RunResult; events: Event[] };
  let perTransform: { result: RunResult; events: Event[] };

  beforeAll(async () => {
    backend = await startLineageBackend();
    ws = makeWorkspace("floe-dagster-lineage-");
    ws.env.OPENLINEAGE_API_KEY = API_KEY;
    const first = await materialize(ws, backend, "ok");
    ok = { ...first, events: backend.events.splice(0) as Event[] };
    backend.requests.splice(0);
    ws.env.FLOE_DUCKDB_PATH = join(ws.dir, "failing.duckdb");
    const second = await materialize(ws, backend, "failing", "orders");
    failing = { result: second.result, events: backend.events.splice(0) as Event[] };
    ws.env.FLOE_DUCKDB_PATH = join(ws.dir, "per-transform.duckdb");
    // floe's Python compiler writes the full endpoint, suffix included.
    const fixture = join(import.meta.dirname, "..", "fixtures", "floe-0.10.0-artifacts.json");
    const third = await materialize(ws, backend, "per-transform", undefined, fixture, `${backend.url}/api/v1/lineage`);
    perTransform = { result: third.result, events: backend.events.splice(0) as Event[] };
  });

  afterAll(async () => {
    await backend?.close();
  });

  it("emits START and COMPLETE for the run and for each model", () => {
    expect(ok.result.status, ok.result.stderr.slice(-3000)).toBe(0);
    const jobs = byJob(ok.events);
    expect(jobs.get(JOB)).toEqual(["START", "COMPLETE"]);
    for (const model of MODELS) expect(jobs.get(`${JOB}.${model}`), model).toEqual(["START", "COMPLETE"]);
    expect(ok.events).toHaveLength(2 + 2 * MODELS.length);
    expect(new Set(ok.events.map((e) => e.job.namespace))).toEqual(new Set([NAMESPACE]));
  });

  it("ties each model's run to the pipeline run and names its tables", () => {
    const runId = ok.events.find((e) => e.job.name === JOB)!.run.runId;
    const orders = ok.events.filter((e) => e.job.name === `${JOB}.orders`);
    expect(new Set(orders.map((e) => e.run.runId)).size).toBe(1);
    expect(orders[0]!.run.facets?.parent).toMatchObject({ run: { runId }, job: { name: JOB } });
    expect(orders[0]!.outputs.map(({ namespace, name }) => ({ namespace, name }))).toEqual([
      { namespace: "duckdb://jaffle_shop.duckdb", name: "jaffle_shop.main.orders" },
    ]);
    expect(orders[0]!.inputs.map((d) => d.name.split(".").pop()).sort()).toEqual(["stg_orders", "stg_payments"]);
  });

  it("posts to /api/v1/lineage whether lineage_endpoint carries that suffix or not", () => {
    expect(perTransform.events.length).toBeGreaterThan(0);
    expect(new Set(backend.requests.map((r) => r.url))).toEqual(new Set(["/api/v1/lineage"]));
  });

  it("every received event validates against the OpenLineage spec", () => {
    const spec = loadSpecValidator();
    for (const event of [...ok.events, ...failing.events, ...perTransform.events])
      expect(spec.validateRunEvent(event), JSON.stringify(event)).toEqual([]);
  });

  it("sends the API key from OPENLINEAGE_API_KEY and never writes it into the generated files", () => {
    expect(backend.requests.length).toBeGreaterThan(0);
    for (const r of backend.requests) expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // Every file under the output, including what the run itself left there (e.g. __pycache__).
    const files = readdirSync(ok.out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name)).toString("latin1")).not.toContain(API_KEY);
  });

  it("emits FAIL for a failing model and for the run; the models it feeds never start", () => {
    expect(failing.result.status).not.toBe(0);
    const jobs = byJob(failing.events);
    expect(jobs.get(JOB)).toEqual(["START", "FAIL"]);
    expect(jobs.get(`${JOB}.orders`)).toEqual(["START", "FAIL"]);
    const fail = failing.events.find((e) => e.job.name === `${JOB}.orders` && e.eventType === "FAIL")!;
    expect(fail.run.facets?.errorMessage?.message).toMatch(/ERROR creating .*orders/);
    const runFail = failing.events.find((e) => e.job.name === JOB && e.eventType === "FAIL")!;
    expect(runFail.run.facets?.errorMessage?.message).toMatch(/no_such_table/);
    expect(jobs.get(`${JOB}.customer_revenue`)).toBeUndefined();
    for (const model of MODELS.filter((m) => m !== "orders" && m !== "customer_revenue")) {
      expect(jobs.get(`${JOB}.${model}`), model).toEqual(["START", "COMPLETE"]);
    }
  });

  it("a backend that is down never fails the run: the events are logged as not delivered", async () => {
    const port = await freePort();
    const script = [
      // The generated package's lineage module, imported from the output directory as Dagster imports the package.
      "import importlib, sys",
      "sys.path.insert(0, sys.argv[1])",
      "lineage = importlib.import_module(sys.argv[2])",
      "run = lineage.LINEAGE.run()",
      "run.start_run()",
      "run.observe({'info': {'name': 'LogStartLine'}, 'data': {'node_info': {'unique_id': 'model.jaffle_shop.orders', 'node_status': 'started'}}})",
      "run.fail_run('boom')",
      "print('survived')",
    ].join("\n");
    const saved = ws.env.OPENLINEAGE_URL;
    ws.env.OPENLINEAGE_URL = `http://127.0.0.1:${port}`;
    try {
      const result = mustSucceed(
        python(ws, ["-c", script, ok.out, `${dagsterDefinitionsModule(ok.out).split(".")[0]}.lineage`]),
        "lineage against a closed port",
      );
      expect(result.stdout).toContain("survived");
      expect(result.stderr).toMatch(/OpenLineage START event for jaffle_shop not delivered/);
      expect(result.stderr).not.toContain(API_KEY);
    } finally {
      if (saved === undefined) delete ws.env.OPENLINEAGE_URL;
      else ws.env.OPENLINEAGE_URL = saved;
    }
  });

  it("artifacts without dbt ids (one asset per transform): START and COMPLETE per model, all parented to one run", () => {
    expect(perTransform.result.status, perTransform.result.stderr.slice(-3000)).toBe(0);
    const jobs = byJob(perTransform.events);
    for (const model of MODELS) expect(jobs.get(`${JOB}.${model}`), model).toEqual(["START", "COMPLETE"]);
    // No step sees the whole run, so there are no run-level events in this mode.
    expect(jobs.get(JOB)).toBeUndefined();
    expect(perTransform.events).toHaveLength(2 * MODELS.length);
    expect(new Set(perTransform.events.map((e) => e.run.facets?.parent?.run.runId)).size).toBe(1);
  });
});
