// charts/floe-airflow with the real Helm: lint, render with defaults and with `floe helm-values` output,
// validate every object (and the KubernetesExecutor's pod template) against Kubernetes' schemas, check
// pod security, refuse bad values, and check the rendered airflow.cfg with Airflow itself.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  REPO_ROOT,
  execTool,
  findObject,
  helm,
  manifestProblems,
  podCommands,
  parseManifests,
  referencedSecrets,
  renderChart,
  renderNotes,
  venvPython,
  type K8sObject,
} from "floe-test-utils/chart-checks";
import { chartWorkdir, itKeepsNamesWithinLimits, itPassesHelmLint, itRefusesValues } from "floe-test-utils/chart-suite";

const CHART = join(REPO_ROOT, "charts/floe-airflow");
const COMPONENTS = { apiServer: "-api-server", scheduler: "-scheduler", dagProcessor: "-dag-processor", triggerer: "-triggerer" } as const;
const work = chartWorkdir("airflow", "large");

/** The rendered objects plus the KubernetesExecutor's pod template, which reaches the cluster per task. */
function withPodTemplate(objects: K8sObject[]): K8sObject[] {
  const template = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith("-pod-template"));
  return template ? [...objects, parse(template.data["pod_template.yaml"]) as K8sObject] : objects;
}

describe("charts/floe-airflow", () => {
  itPassesHelmLint(CHART, "passes helm lint --strict, with defaults and with other executors and sizes", () => [
    ["--values", work.valuesFiles.large!],
    ["--set", "executor=CeleryExecutor,postgresql.enabled=true"],
  ]);

  it("renders valid, PSS-restricted objects with the default values (KubernetesExecutor)", async () => {
    const objects = await renderChart(CHART);
    expect(await manifestProblems(withPodTemplate(objects))).toEqual([]);
    const workloads = objects
      .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
      .map((o) => o.metadata.name)
      .sort();
    expect(workloads).toEqual([
      "release-floe-airflow-api-server",
      "release-floe-airflow-dag-processor",
      "release-floe-airflow-migrate-1",
      "release-floe-airflow-scheduler",
      "release-floe-airflow-triggerer",
    ]);
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expect([...referencedSecrets(objects)].sort()).toEqual(["release-floe-airflow-jwt", "release-floe-airflow-metadata"]);
    const migrate = findObject(objects, "Job", "-migrate-1");
    expect(migrate.spec.template.spec.containers[0].args).toEqual(["airflow", "db", "migrate"]);
    for (const suffix of Object.values(COMPONENTS)) {
      const spec = findObject(objects, "Deployment", suffix).spec.template.spec;
      expect(spec.initContainers[0].args.slice(0, 3)).toEqual(["airflow", "db", "check-migrations"]);
    }
    // The KubernetesExecutor's role: pods and their logs, nothing cluster-wide.
    const role = findObject(objects, "Role", "-pod-launcher");
    expect(role.rules.map((r: any) => r.resources.join(","))).toEqual(["pods", "pods/log", "events"]);
    const podTemplate = parse(findObject(objects, "ConfigMap", "-pod-template").data["pod_template.yaml"]) as K8sObject;
    expect(podTemplate.spec.containers[0].name).toBe("base");
    // The root filesystem is read-only: dbt's target/ and logs/ go to an emptyDir, in task pods and every component.
    for (const spec of [
      podTemplate.spec,
      ...Object.values(COMPONENTS).map((suffix) => findObject(objects, "Deployment", suffix).spec.template.spec),
    ]) {
      expect(spec.containers[0].env).toContainEqual({ name: "DBT_TARGET_PATH", value: "/opt/floe/dbt-work/target" });
      expect(spec.containers[0].env).toContainEqual({ name: "DBT_LOG_PATH", value: "/opt/floe/dbt-work/logs" });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: "dbt-work", mountPath: "/opt/floe/dbt-work" });
      expect(spec.volumes).toContainEqual({ name: "dbt-work", emptyDir: {} });
    }
  });

  for (const size of ["small", "medium", "large", "artifacts"]) {
    it(`renders valid objects with \`floe helm-values\` output (${size})`, async () => {
      const objects = await renderChart(CHART, { valuesFiles: [work.valuesFiles[size]!] });
      expect(await manifestProblems(withPodTemplate(objects))).toEqual([]);
      const values = parse(await readFile(work.valuesFiles[size]!, "utf8")) as Record<string, any>;
      for (const [component, suffix] of Object.entries(COMPONENTS)) {
        expect(findObject(objects, "Deployment", suffix).spec.template.spec.containers[0].resources).toEqual(values[component].resources);
      }
      const podTemplate = parse(findObject(objects, "ConfigMap", "-pod-template").data["pod_template.yaml"]) as K8sObject;
      expect(podTemplate.spec.containers[0].resources).toEqual(values.workers.resources);
      if (size === "artifacts") {
        expect((podTemplate.metadata.labels as Record<string, string>)["floe.dev/product"]).toBe("shop-analytics");
        expect(podTemplate.spec.containers[0].env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
      }
    });
  }

  it("runs Celery workers with the broker URL from a secret, and the trial PostgreSQL", async () => {
    const objects = await renderChart(CHART, {
      valuesFiles: [work.valuesFiles.medium!],
      set: ["executor=CeleryExecutor", "postgresql.enabled=true", "celery.brokerUrl.existingSecret=my-broker"],
    });
    expect(await manifestProblems(objects)).toEqual([]);
    const worker = findObject(objects, "Deployment", "-worker").spec.template.spec.containers[0];
    expect(worker.args).toEqual(["airflow", "celery", "worker"]);
    expect(worker.env).toContainEqual({
      name: "AIRFLOW__CELERY__BROKER_URL",
      valueFrom: { secretKeyRef: { name: "my-broker", key: "broker-url" } },
    });
    expect(objects.some((o) => o.metadata.name.endsWith("-pod-template") || o.kind === "Role")).toBe(false);
    const config = findObject(objects, "ConfigMap", "-config").data["airflow.cfg"] as string;
    expect(config).toContain("executor = CeleryExecutor");
    findObject(objects, "StatefulSet", "-postgresql");
  });

  it("mounts `floe generate` output given as a ConfigMap, or DAGs baked into the image", async () => {
    const dagFile = join(work.dir, "shop_analytics.py");
    await writeFile(
      dagFile,
      'from airflow.sdk import dag\n\n@dag(dag_id="shop_analytics")\ndef shop():\n    """quotes \' " and {{ braces }}"""\n\nshop()\n',
    );
    const result = await helm(["template", "release", CHART, "--set-file", `dags.configMap.files.shop_analytics\\.py=${dagFile}`]);
    expect(result.code, result.stderr).toBe(0);
    const objects = parseManifests(result.stdout);
    expect(await manifestProblems(objects)).toEqual([]);
    expect(findObject(objects, "ConfigMap", "-dags").data["shop_analytics.py"]).toBe(await readFile(dagFile, "utf8"));

    const existing = await renderChart(CHART, { set: ["dags.configMap.name=product-dags"] });
    expect(existing.some((o) => o.metadata.name.endsWith("-dags"))).toBe(false);
    const volumes = findObject(existing, "Deployment", "-dag-processor").spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: "dags", configMap: { name: "product-dags" } });

    const image = await renderChart(CHART, { set: ["dags.source=image"] });
    expect(await manifestProblems(withPodTemplate(image))).toEqual([]);
    expect(findObject(image, "Deployment", "-dag-processor").spec.template.spec.volumes.some((v: any) => v.name === "dags")).toBe(false);
  });

  it("says in NOTES.txt how to reach the UI and which secrets to create", async () => {
    const notes = await renderNotes(CHART);
    expect(notes).toContain("kubectl port-forward --namespace floe service/release-floe-airflow-api-server 8080:8080");
    expect(notes).toContain('release-floe-airflow-jwt  key "jwt-secret"');
    expect(notes).toContain("The ConfigMap is empty: put `floe generate` output in it");
    const celery = await renderNotes(CHART, ["executor=CeleryExecutor", "dags.source=image"]);
    expect(celery).toContain('release-floe-airflow-broker  key "broker-url"');
    expect(celery).not.toContain("The ConfigMap is empty");
  });

  it("runs only commands Airflow's own CLI parser accepts (containers, init containers, probes)", async () => {
    const objects = await renderChart(CHART);
    const distinct = podCommands(objects, { argv: "args", initContainers: true, keep: (argv) => argv[0] === "airflow" });
    expect(distinct.length).toBeGreaterThanOrEqual(8);
    const input = join(work.dir, "commands.json");
    await writeFile(input, `[${distinct.join(",")}]`);
    const home = join(work.dir, "airflow-home-commands");
    await mkdir(home, { recursive: true });
    await writeFile(join(home, "airflow.cfg"), findObject(objects, "ConfigMap", "-config").data["airflow.cfg"]);
    const result = await execTool(
      "bash",
      [
        "-c",
        `exec "$0" "$1" < "$2"`,
        venvPython("airflow"),
        join(REPO_ROOT, "packages/floe-orchestrator-airflow/test/fixtures/check_commands.py"),
        input,
      ],
      work.dir,
      { AIRFLOW_HOME: home },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(distinct.length);
  });

  it("renders an airflow.cfg whose every option Airflow knows", async () => {
    const python = venvPython("airflow");
    const home = join(work.dir, "airflow-home");
    await mkdir(home, { recursive: true });
    const objects = await renderChart(CHART);
    await writeFile(join(home, "airflow.cfg"), findObject(objects, "ConfigMap", "-config").data["airflow.cfg"]);
    const result = await execTool(python, [join(REPO_ROOT, "packages/floe-orchestrator-airflow/test/fixtures/check_config.py")], work.dir, {
      AIRFLOW_HOME: home,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("core.executor: known, value 'KubernetesExecutor'");
    expect(result.stdout).toContain("core.execution_api_server_url: known, value 'http://release-floe-airflow-api-server:8080/execution/'");
  });

  itKeepsNamesWithinLimits(CHART, ["executor=CeleryExecutor", "postgresql.enabled=true"]);

  const refused: Array<[string, string[], RegExp]> = [
    ["an unknown top-level key", ["bogus=1"], /additional properties 'bogus' not allowed/],
    ["an unknown key in a component", ["scheduler.bogus=1"], /at '\/scheduler': additional properties 'bogus' not allowed/],
    [
      "an unknown key three levels down",
      ["celery.brokerUrl.url=redis://x"],
      /at '\/celery\/brokerUrl': additional properties 'url' not allowed/,
    ],
    ["an executor the chart does not run", ["executor=LocalExecutor"], /at '\/executor'/],
    ["a string where a count goes", ["workers.replicas=many"], /at '\/workers\/replicas': got string, want integer/],
    ["a DAG file that is not text", ["dags.configMap.files.x\\.py=1"], /at '\/dags\/configMap\/files\/x.py': got number, want string/],
    [
      "a plain-text secret next to the reference",
      ["jwtSecret.value=hunter2"],
      /at '\/jwtSecret': additional properties 'value' not allowed/,
    ],
  ];
  itRefusesValues(CHART, refused);
});
