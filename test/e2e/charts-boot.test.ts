/**
 * Both charts booted for real, without a cluster: `helm template` with `floe helm-values` values, then
 * every rendered pod's containers started as local processes with the rendered command, args, env and
 * mounts (ConfigMaps and Secrets as files at their mountPaths, in a private mount namespace per
 * container) against a real PostgreSQL started from Debian's package.
 *
 * What a cluster would provide and a local process cannot is mapped, each for a reason:
 * - the image: the cached venv's bin/ first on PATH; the image's own environment (AIRFLOW_HOME); the
 *   image's contents (generated code, the dbt project) bind-mounted at the in-image paths;
 * - the image's entrypoint: Airflow containers give only args; apache/airflow's entrypoint runs them;
 * - cluster DNS: the rendered Services' names resolve to 127.0.0.1 (a per-container /etc/hosts);
 * - the pod network: each pod has its own loopback in Kubernetes, here all share the host's, so the
 *   chart's ports are free ports (through the chart's own values where it has them; the ports Airflow
 *   fixes for the scheduler's health check and its log servers through AIRFLOW__… env);
 * - launching work on Kubernetes: Dagster's K8sRunLauncher becomes the DefaultRunLauncher (the run
 *   runs next to the user-code server, with its image and env, as the run pod would) and Airflow's
 *   KubernetesExecutor becomes the LocalExecutor (tasks run next to the scheduler, with the same env
 *   the pod template gives task pods);
 * - the processes run as root (or as root of a user namespace) rather than the chart's UIDs; of the
 *   read-only root filesystem (readOnlyRootFilesystem) the image contents (generated code, dbt project)
 *   are read-only, so dbt writing into the project fails the run; the rest of the host stays writable.
 * Why no real cluster: Debian 12's packages hold kubectl (kubernetes-client), containerd and podman, but
 * no kubelet, kube-apiserver, k3s, kind or minikube (those are prebuilt downloads), and the charts' images
 * live on Docker Hub, which this setup cannot reach.
 * Everything else is what Helm rendered: commands, args, env (secrets resolved from the Secrets a
 * user would create), config files, working directories, init containers and the migration Job.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, renderChart, type K8sObject } from "floe-test-utils/chart-checks";
import {
  fatal,
  freePort,
  parseYaml as parse,
  stringifyYaml as stringify,
  renderedPods,
  startPod,
  startPostgres,
  stopProcesses,
  tail,
  waitFor,
  type BootOptions,
  type LocalProcess,
  type Postgres,
  type RenderedPod,
  type Secrets,
} from "floe-test-utils/chart-boot";

const FLOE = join(REPO_ROOT, "packages/floe-core/bin/floe.js");
const EXAMPLE = join(REPO_ROOT, "examples/jaffle_shop");
const RELEASE = "boot";
const NAMESPACE = "floe";

let root: string;
let postgres: Postgres | undefined;

function venv(tool: "dagster" | "airflow"): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/python-env.sh"), tool], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

function floe(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [FLOE, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustFloe(args: string[]): string {
  const r = floe(args);
  if (r.status !== 0) throw new Error(`floe ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The example dbt project as an image would hold it (no build products). */
function copyProject(dest: string): void {
  cpSync(EXAMPLE, dest, { recursive: true, filter: (src) => !/[\\/](target|logs|dbt_packages)$|\.duckdb(\.wal)?$/.test(src) });
}

/** The names the rendered Services answer to inside the cluster. */
function serviceHosts(objects: K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === "Service")
    .flatMap((o) => [
      o.metadata.name,
      `${o.metadata.name}.${NAMESPACE}`,
      `${o.metadata.name}.${NAMESPACE}.svc`,
      `${o.metadata.name}.${NAMESPACE}.svc.cluster.local`,
    ]);
}

/** The site's env for the Dagster pods: the DuckDB file, the dbt project where the image holds it, no dbt telemetry. */
const DAGSTER_SITE_ENV = [
  { name: "FLOE_DUCKDB_PATH", value: "/tmp/jaffle_shop.duckdb" },
  { name: "FLOE_DBT_PROJECT_DIR", value: "/opt/dagster/dbt/jaffle_shop" },
  { name: "DBT_SEND_ANONYMOUS_USAGE_STATS", value: "false" },
];

/**
 * The rendered floe-dagster release's pods and their boot options, once the user-code image is "built": the
 * generated output (`<dir>/out`) at the code location's working directory and the dbt project at
 * /opt/dagster/dbt/jaffle_shop, parsed there as the image build's `dbt parse` does. MAPPING (no cluster): the
 * instance without the K8sRunLauncher, so Dagster's DefaultRunLauncher runs the runs.
 */
async function buildDagsterImage(objects: K8sObject[], secrets: Secrets, dir: string, project: string, dagsterVenv: string) {
  const pods = renderedPods(objects, secrets);
  const instance = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith("-instance"))!;
  const dagsterYaml = parse(instance.data["dagster.yaml"]);
  expect(dagsterYaml.run_launcher.class).toBe("K8sRunLauncher");
  delete dagsterYaml.run_launcher;
  const overrideFiles = { [`${instance.metadata.name}/dagster.yaml`]: stringify(dagsterYaml) };
  const options = (component: string, imageFiles: Record<string, string>): BootOptions => ({
    objects,
    secrets,
    dir: join(dir, "pods", component),
    venv: dagsterVenv,
    imageEnv: { HOME: "/tmp" },
    imageFiles,
    readOnlyImage: component !== "image-build",
    hosts: serviceHosts(objects),
    overrideFiles,
  });
  const userCodeImage = { "/opt/dagster/app": realpathSync(join(dir, "out")), "/opt/dagster/dbt/jaffle_shop": project };
  const imageBuild: RenderedPod = {
    workload: "image-build",
    component: "image-build",
    initContainers: [
      {
        name: "dbt-parse",
        argv: ["dbt", "parse", "--project-dir", "/opt/dagster/dbt/jaffle_shop", "--profiles-dir", "/opt/dagster/dbt/jaffle_shop"],
        usesImageEntrypoint: false,
        // The profile as the pods will see it, so dbt's partial parse is reused at run time.
        env: { DBT_SEND_ANONYMOUS_USAGE_STATS: "false", FLOE_DUCKDB_PATH: "/tmp/jaffle_shop.duckdb" },
        mounts: [],
      },
    ],
    containers: [],
  };
  await startPod(imageBuild, options("image-build", userCodeImage));
  return { pods, options, userCodeImage };
}

/** `floe validate-connection` succeeds against the booted Dagster webserver. */
function itValidatesDagsterConnection(url: () => string): void {
  it("floe validate-connection succeeds against the booted webserver", () => {
    const r = floe(["validate-connection", "--orchestrator", "dagster", "--url", url(), "--json"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ success: true, errors: [] });
  });
}

function componentPod(pods: RenderedPod[], component: string): RenderedPod {
  const pod = pods.find((p) => p.component === component);
  if (!pod) throw new Error(`no pod for ${component} among ${pods.map((p) => p.workload).join(", ")}`);
  return pod;
}

async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

function logsOf(processes: LocalProcess[]): string {
  return processes.map((p) => `--- ${p.name} (${p.log})\n${tail(p.log, 2500)}`).join("\n");
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "floe-charts-boot-"));
  postgres = await startPostgres(join(root, "postgres"));
});

afterAll(async () => {
  await postgres?.stop();
  if (root && process.env.FLOE_KEEP_BOOT_DIR !== "1") rmSync(root, { recursive: true, force: true });
});

describe("charts/floe-dagster booted as local processes", () => {
  const processes: LocalProcess[] = [];
  let dir: string;
  let webUrl: string;
  let objects: K8sObject[];

  beforeAll(async () => {
    dir = join(root, "dagster");
    mkdirSync(dir);
    const dagsterVenv = venv("dagster");
    const password = "dagster-db-pw";
    await postgres!.createDatabase("dagster", "dagster", password);

    // The product, with its schedule every minute and its job over every model.
    const artifacts = JSON.parse(readFileSync(join(EXAMPLE, "compiled_artifacts.json"), "utf8"));
    artifacts.orchestration.schedules = [{ name: "every_minute", job: "daily_marts", cron: "* * * * *", timezone: "UTC", enabled: true }];
    delete artifacts.orchestration.jobs[0].select;
    writeFileSync(join(dir, "artifacts.json"), JSON.stringify(artifacts, null, 2));

    // The user-code image: the generated code location at workingDirectory, the dbt project at the path the
    // code location was generated for, parsed there (as an image build would: the manifest holds its paths).
    const project = join(dir, "image-dbt-project");
    copyProject(project);
    // Generated against the project as it is here; in the image it sits elsewhere, which the site says with
    // FLOE_DBT_PROJECT_DIR (the documented run-time override of the recorded relative path).
    mustFloe(["generate", join(dir, "artifacts.json"), "--orchestrator", "dagster", "--out", join(dir, "out"), "--dbt-project", project]);

    // Values: what `floe helm-values` prints for this product, then the site's own (database, ports, env).
    const floeValues = mustFloe([
      "helm-values",
      "--orchestrator",
      "dagster",
      "--size",
      "small",
      "--artifacts",
      join(dir, "artifacts.json"),
    ]);
    writeFileSync(join(dir, "floe-values.yaml"), floeValues);
    const webPort = await freePort();
    const grpcPort = await freePort();
    const site = {
      database: { host: "127.0.0.1", port: postgres!.port },
      // One DuckDB file takes one writer: a run a minute must queue behind the one still running.
      runCoordinator: { maxConcurrentRuns: 1 },
      webserver: { port: webPort },
      userCode: { port: grpcPort, image: { repository: "example.com/jaffle-shop-user-code", tag: "1.0.0" } },
      env: [...(parse(floeValues).env ?? []), ...DAGSTER_SITE_ENV],
    };
    writeFileSync(join(dir, "site-values.yaml"), stringify(site));
    objects = await renderChart(join(REPO_ROOT, "charts/floe-dagster"), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: [join(dir, "floe-values.yaml"), join(dir, "site-values.yaml")],
    });
    const secrets: Secrets = { [`${RELEASE}-floe-dagster-database`]: { "postgres-password": password } };
    const { pods, options, userCodeImage } = await buildDagsterImage(objects, secrets, dir, project, dagsterVenv);
    processes.push(...(await startPod(componentPod(pods, "user-code"), options("user-code", userCodeImage))));
    processes.push(...(await startPod(componentPod(pods, "webserver"), options("webserver", {}))));
    processes.push(...(await startPod(componentPod(pods, "daemon"), options("daemon", {}))));
    webUrl = `http://127.0.0.1:${webPort}`;

    await waitForLocations(webUrl, ["jaffle_shop"], processes);
  });

  afterAll(async () => {
    await stopProcesses(processes);
  });

  itValidatesDagsterConnection(() => webUrl);

  it("the daemon fires the product's one-minute schedule and the run succeeds, as the webserver's GraphQL shows", async () => {
    const query = `{ runsOrError(filter: { tags: [{ key: "dagster/schedule_name", value: "every_minute" }] }) {
      __typename ... on Runs { results { runId jobName status tags { key value } } } ... on PythonError { message } } }`;
    let seen: unknown;
    try {
      const run = await waitFor(
        "a scheduled run to succeed",
        async () => {
          for (const p of processes) if (p.child.exitCode !== null) throw fatal(`${p.name} exited ${p.child.exitCode}`);
          const r = await getJson(`${webUrl}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query }),
          });
          const runs: Array<{ runId: string; jobName: string; status: string }> = r.body?.data?.runsOrError?.results ?? [];
          seen = runs.map((x) => `${x.runId} ${x.status}`);
          if (runs.some((x) => x.status === "FAILURE")) throw fatal(`a scheduled run failed: ${JSON.stringify(runs)}`);
          return runs.find((x) => x.status === "SUCCESS");
        },
        480_000,
        3000,
      );
      expect(run.jobName).toBe("daily_marts");
    } catch (error) {
      throw new Error(`${(error as Error).message}; runs seen: ${JSON.stringify(seen)}\n${logsOf(processes)}`);
    }
    // Every model and seed of the product materialized by that run.
    const assets = await getJson(`${webUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ assetsOrError { ... on AssetConnection { nodes { key { path } assetMaterializations(limit: 1) { runId } } } } }",
      }),
    });
    const materialized = (assets.body.data.assetsOrError.nodes as Array<{ key: { path: string[] }; assetMaterializations: unknown[] }>)
      .filter((n) => n.assetMaterializations.length > 0)
      .map((n) => n.key.path.join("/"))
      .sort();
    expect(materialized).toEqual([
      "customer_revenue",
      "customers",
      "orders",
      "raw_customers",
      "raw_orders",
      "raw_payments",
      "stg_customers",
      "stg_orders",
      "stg_payments",
    ]);
  });
});

/** Polls the webserver until every named code location is loaded (reloading one that failed while its server started). */
async function waitForLocations(webUrl: string, names: string[], processes: LocalProcess[]): Promise<void> {
  const lastLoadError: Record<string, string> = {};
  try {
    await waitFor(
      `the webserver to load ${names.join(", ")} from the user-code servers`,
      async () => {
        for (const p of processes) if (p.child.exitCode !== null) throw fatal(`${p.name} exited ${p.child.exitCode}`);
        const r = await getJson(`${webUrl}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query:
              "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }",
          }),
        });
        const entries: Array<{ name: string; loadStatus: string; locationOrLoadError?: { __typename: string; message?: string } }> =
          r.body?.data?.workspaceOrError?.locationEntries ?? [];
        let loaded = 0;
        for (const name of names) {
          const entry = entries.find((e) => e.name === name);
          if (entry?.locationOrLoadError?.__typename === "PythonError") {
            // Pods start in any order: until a user-code server listens, its location is an error. The UI's
            // "Reload" button does what the webserver's watch thread would do a little later.
            lastLoadError[name] = entry.locationOrLoadError.message ?? "";
            await getJson(`${webUrl}/graphql`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                query: `mutation { reloadRepositoryLocation(repositoryLocationName: ${JSON.stringify(name)}) { __typename } }`,
              }),
            });
          } else if (entry?.loadStatus === "LOADED" && entry.locationOrLoadError?.__typename === "RepositoryLocation") loaded++;
        }
        return loaded === names.length;
      },
      240_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last load errors: ${JSON.stringify(lastLoadError)}\n${logsOf(processes)}`);
  }
}

describe("charts/floe-dagster serving two products' code locations, booted as local processes", () => {
  const processes: LocalProcess[] = [];
  let dir: string;
  let webUrl: string;
  let objects: K8sObject[];
  let floeValues: Record<string, any>;

  beforeAll(async () => {
    dir = join(root, "dagster-products");
    mkdirSync(dir);
    const dagsterVenv = venv("dagster");
    const password = "dagster-products-db-pw";
    await postgres!.createDatabase("dagster_products", "dagster_products", password);

    // Two products of one dbt project in one output, as `floe generate a.json b.json` writes it.
    const project = join(dir, "image-dbt-project");
    copyProject(project);
    const products = join(EXAMPLE, "products");
    const generated = floe([
      "generate",
      join(products, "jaffle_raw.json"),
      join(products, "jaffle_marts.json"),
      "--orchestrator",
      "dagster",
      "--out",
      join(dir, "out"),
      "--dbt-project",
      project,
    ]);
    expect(generated.status, generated.stderr).toBe(0);
    expect(generated.stderr).toBe("");
    // Values: the generated values.yaml (one code location per product), then the site's own.
    floeValues = parse(readFileSync(join(dir, "out", "values.yaml"), "utf8"));
    const webPort = await freePort();
    const site = {
      database: { host: "127.0.0.1", port: postgres!.port, name: "dagster_products", user: "dagster_products" },
      webserver: { port: webPort },
      userCode: {
        image: { repository: "example.com/jaffle-shop-user-code", tag: "1.0.0" },
        // MAPPING (shared loopback): each location's server on its own free port (in a cluster each pod has its own).
        codeLocations: await Promise.all(
          (floeValues.userCode.codeLocations as Array<Record<string, unknown>>).map(async (l) => ({ ...l, port: await freePort() })),
        ),
      },
      env: [...(floeValues.env ?? []), ...DAGSTER_SITE_ENV],
    };
    writeFileSync(join(dir, "site-values.yaml"), stringify(site));
    objects = await renderChart(join(REPO_ROOT, "charts/floe-dagster"), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: [join(dir, "out", "values.yaml"), join(dir, "site-values.yaml")],
    });
    const secrets: Secrets = { [`${RELEASE}-floe-dagster-database`]: { "postgres-password": password } };
    const { pods, options, userCodeImage } = await buildDagsterImage(objects, secrets, dir, project, dagsterVenv);
    const servers = pods.filter((p) => p.component === "user-code");
    expect(servers.map((p) => p.workload)).toEqual([
      expect.stringMatching(/^Deployment\/boot-floe-dagster-uc-jaffle-raw-[0-9a-f]{6}$/),
      expect.stringMatching(/^Deployment\/boot-floe-dagster-uc-jaffle-marts-[0-9a-f]{6}$/),
    ]);
    for (const server of servers)
      processes.push(...(await startPod(server, options(server.workload.replace(/^Deployment\//, ""), userCodeImage))));
    processes.push(...(await startPod(componentPod(pods, "webserver"), options("webserver", {}))));
    webUrl = `http://127.0.0.1:${webPort}`;
    await waitForLocations(webUrl, ["jaffle_raw", "jaffle_marts"], processes);
  });

  afterAll(async () => {
    await stopProcesses(processes);
  });

  it("the webserver lists both code locations, each from its own gRPC server, with its product's jobs and sensor", async () => {
    const r = await getJson(`${webUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ workspaceOrError { ... on Workspace { locationEntries { name displayMetadata { key value }
          locationOrLoadError { ... on RepositoryLocation { repositories { jobs { name } sensors { name } } } } } } } }`,
      }),
    });
    const entries = r.body.data.workspaceOrError.locationEntries as Array<{
      name: string;
      displayMetadata: Array<{ key: string; value: string }>;
      locationOrLoadError: { repositories: Array<{ jobs: Array<{ name: string }>; sensors: Array<{ name: string }> }> };
    }>;
    const services = objects.filter(
      (o) => o.kind === "Service" && (o.metadata.labels as Record<string, string>)["app.kubernetes.io/component"] === "user-code",
    );
    const seen = entries.map((e) => ({
      name: e.name,
      host: e.displayMetadata.find((m) => m.key === "host")?.value,
      port: Number(e.displayMetadata.find((m) => m.key === "port")?.value),
      jobs: e.locationOrLoadError.repositories.flatMap((repo) => repo.jobs.map((j) => j.name)).filter((j) => !j.startsWith("__")),
      sensors: e.locationOrLoadError.repositories.flatMap((repo) => repo.sensors.map((x) => x.name)),
    }));
    expect(seen).toEqual([
      {
        name: "jaffle_raw",
        host: services[0]!.metadata.name,
        port: floeValuesPort(0),
        jobs: ["jaffle_raw"],
        sensors: [],
      },
      {
        name: "jaffle_marts",
        host: services[1]!.metadata.name,
        port: floeValuesPort(1),
        jobs: ["jaffle_marts"],
        sensors: ["jaffle_marts_on_consumed_assets"],
      },
    ]);
  });

  function floeValuesPort(i: number): number {
    const site = parse(readFileSync(join(dir, "site-values.yaml"), "utf8"));
    return site.userCode.codeLocations[i].port as number;
  }

  itValidatesDagsterConnection(() => webUrl);
});

describe("charts/floe-airflow booted as local processes", () => {
  const processes: LocalProcess[] = [];
  let dir: string;
  let apiUrl: string;
  let apiServerLog: string;

  beforeAll(async () => {
    dir = join(root, "airflow");
    mkdirSync(dir);
    const airflowVenv = venv("airflow");
    const password = "airflow-db-pw";
    await postgres!.createDatabase("airflow", "airflow", password);

    // The image: the dbt project at the path the DAGs were generated for.
    const project = join(dir, "image-dbt-project");
    copyProject(project);
    const artifacts = join(EXAMPLE, "compiled_artifacts.json");
    // As for Dagster: generated against the project here, placed in the image by FLOE_DBT_PROJECT_DIR.
    mustFloe(["generate", artifacts, "--orchestrator", "airflow", "--out", join(dir, "out"), "--dbt-project", project]);
    const out = realpathSync(join(dir, "out"));
    const dagFiles = Object.fromEntries(
      readdirSync(out)
        .filter((f) => f.endsWith(".py"))
        .map((f) => [f, readFileSync(join(out, f), "utf8")]),
    );
    // openlineage.env: "give them to the scheduler and the workers".
    const lineageEnv = readFileSync(join(out, "openlineage.env"), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => {
        const [name, ...rest] = line.split("=");
        return { name: name!, value: rest.join("=").replace(/^'(.*)'$/, "$1") };
      });

    const floeValues = mustFloe(["helm-values", "--orchestrator", "airflow", "--size", "small", "--artifacts", artifacts]);
    writeFileSync(join(dir, "floe-values.yaml"), floeValues);
    const apiPort = await freePort();
    const site = {
      apiServer: { port: apiPort, service: { port: apiPort } },
      dags: { source: "configMap", configMap: { files: dagFiles } },
      env: [
        ...(parse(floeValues).env ?? []),
        ...lineageEnv,
        { name: "FLOE_DUCKDB_PATH", value: "/tmp/jaffle_shop.duckdb" },
        { name: "FLOE_DBT_PROJECT_DIR", value: "/opt/airflow/dbt/jaffle_shop" },
        { name: "DBT_SEND_ANONYMOUS_USAGE_STATS", value: "false" },
      ],
    };
    writeFileSync(join(dir, "site-values.yaml"), stringify(site));
    const objects = await renderChart(join(REPO_ROOT, "charts/floe-airflow"), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: [join(dir, "floe-values.yaml"), join(dir, "site-values.yaml")],
    });
    const secrets: Secrets = {
      [`${RELEASE}-floe-airflow-metadata`]: { connection: `postgresql+psycopg2://airflow:${password}@127.0.0.1:${postgres!.port}/airflow` },
      [`${RELEASE}-floe-airflow-jwt`]: { "jwt-secret": randomBytes(48).toString("base64") }, // 64 bytes, as HS512 wants
    };
    const pods = renderedPods(objects, secrets);
    const overrideEnv = {
      // MAPPING (no cluster): task processes next to the scheduler instead of task pods.
      AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
      // MAPPING (shared loopback): ports Airflow or the chart fix.
      AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT: String(await freePort()),
      AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(await freePort()),
      AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(await freePort()),
    };
    const options = (component: string): BootOptions => ({
      objects,
      secrets,
      dir: join(dir, "pods", component),
      venv: airflowVenv,
      // apache/airflow sets AIRFLOW_HOME=/opt/airflow and HOME=/home/airflow (read-only here: /tmp instead).
      imageEnv: { AIRFLOW_HOME: "/opt/airflow", HOME: "/tmp" },
      imageFiles: { "/opt/airflow/dbt/jaffle_shop": project },
      readOnlyImage: true,
      hosts: serviceHosts(objects),
      overrideEnv,
    });

    // The migration Job first (Helm's install order; the components' init containers wait for it anyway).
    const migrate = pods.find((p) => p.workload.startsWith("Job/"));
    expect(migrate?.component).toBe("migrate");
    try {
      const migrateProcesses = await startPod(migrate!, options("migrate"));
      processes.push(...migrateProcesses); // stopped in afterAll should it hang
      await new Promise<void>((resolve, reject) => {
        const child = migrateProcesses[0]!.child;
        const timer = setTimeout(() => reject(new Error("airflow db migrate timed out")), 600_000);
        child.once("exit", (code) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new Error(`migrate exited ${code}:\n${tail(migrateProcesses[0]!.log)}`));
        });
      });
      processes.splice(0, processes.length);
      for (const component of ["api-server", "scheduler", "dag-processor", "triggerer"]) {
        const started = await startPod(componentPod(pods, component), options(component));
        processes.push(...started);
      }
      apiUrl = `http://127.0.0.1:${apiPort}`;
      apiServerLog = processes.find((p) => p.name.endsWith("/api-server"))!.log;
      await waitFor(
        "every component healthy in /api/v2/monitor/health",
        async () => {
          for (const p of processes) if (p.child.exitCode !== null) throw fatal(`${p.name} exited ${p.child.exitCode}`);
          const r = await getJson(`${apiUrl}/api/v2/monitor/health`);
          const h = r.body as Record<string, { status?: string } | undefined>;
          return r.status === 200 && ["metadatabase", "scheduler", "dag_processor", "triggerer"].every((k) => h[k]?.status === "healthy");
        },
        300_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logsOf(processes)}`);
    }
  });

  afterAll(async () => {
    await stopProcesses(processes);
  });

  /** The chart keeps Airflow's simple auth manager; NOTES.txt sends users to the api-server's log for the admin password. */
  function adminPassword(): string {
    const match = /Password for user 'admin': (\S+)/.exec(readFileSync(apiServerLog, "utf8"));
    if (!match) throw new Error(`no admin password in the api-server log:\n${tail(apiServerLog)}`);
    return match[1]!;
  }

  async function token(): Promise<string> {
    const r = await getJson(`${apiUrl}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: adminPassword() }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.access_token as string;
  }

  it("floe validate-connection succeeds against the booted api-server with the chart's auth", () => {
    const r = floe(["validate-connection", "--orchestrator", "airflow", "--url", apiUrl, "--json"], {
      AIRFLOW_USERNAME: "admin",
      AIRFLOW_PASSWORD: adminPassword(),
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ success: true, errors: [] });
    expect(result.message).toMatch(/scheduler healthy, dag processor healthy, triggerer healthy/);
  });

  it("a DAG run triggered through the REST API succeeds with every task green", async () => {
    const headers = { authorization: `Bearer ${await token()}`, "content-type": "application/json" };
    try {
      await waitFor(
        "the dag-processor to register jaffle_shop",
        async () => (await getJson(`${apiUrl}/api/v2/dags/jaffle_shop`, { headers })).status === 200,
        180_000,
      );
      const triggered = await getJson(`${apiUrl}/api/v2/dags/jaffle_shop/dagRuns`, {
        method: "POST",
        headers,
        body: JSON.stringify({ logical_date: null }),
      });
      expect(triggered.status, JSON.stringify(triggered.body)).toBe(200);
      const runId = triggered.body.dag_run_id as string;
      const state = await waitFor(
        "the DAG run to finish",
        async () => {
          for (const p of processes) if (p.child.exitCode !== null) throw fatal(`${p.name} exited ${p.child.exitCode}`);
          const r = await getJson(`${apiUrl}/api/v2/dags/jaffle_shop/dagRuns/${encodeURIComponent(runId)}`, { headers });
          return ["success", "failed"].includes(r.body?.state) ? (r.body.state as string) : undefined;
        },
        480_000,
        3000,
      );
      const tis = await getJson(`${apiUrl}/api/v2/dags/jaffle_shop/dagRuns/${encodeURIComponent(runId)}/taskInstances`, { headers });
      const states = Object.fromEntries(
        (tis.body.task_instances as Array<{ task_id: string; state: string }>).map((t) => [t.task_id, t.state]),
      );
      expect({ state, states }).toEqual({
        state: "success",
        states: Object.fromEntries(
          [
            // build mode (the default): one dbt_build task runs dbt once, each model's task reports its result
            "dbt_build",
            "customer_revenue",
            "customers",
            "orders",
            "raw_customers",
            "raw_orders",
            "raw_payments",
            "stg_customers",
            "stg_orders",
            "stg_payments",
          ].map((t) => [t, "success"]),
        ),
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logsOf(processes)}`);
    }
  });
});
