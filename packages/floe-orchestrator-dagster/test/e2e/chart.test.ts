// charts/floe-dagster with the real Helm: lint, render with defaults and with `floe helm-values` output,
// validate every object against Kubernetes' schemas, check pod security, and refuse bad values.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dagsterPackageName } from "../../src/dagster-names.js";
import {
  CHART_ARTIFACTS,
  REPO_ROOT,
  execTool,
  findObject,
  manifestProblems,
  podCommands,
  referencedSecrets,
  renderChart,
  renderNotes,
  venvPython,
  type K8sObject,
} from "floe-test-utils/chart-checks";
import { chartWorkdir, itKeepsNamesWithinLimits, itPassesHelmLint, itRefusesValues } from "floe-test-utils/chart-suite";

const CHART = join(REPO_ROOT, "charts/floe-dagster");
const work = chartWorkdir("dagster", "medium");

/** K8sRunLauncher takes Kubernetes fields in snake_case or camelCase; the API speaks camelCase. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelKeys(inner)]),
    );
  }
  return value;
}

describe("charts/floe-dagster", () => {
  itPassesHelmLint(CHART, "passes helm lint --strict, with defaults and with the large values", () => [
    ["--values", work.valuesFiles.large!],
    ["--set", "postgresql.enabled=true"],
  ]);

  it("renders valid, PSS-restricted objects with the default values", async () => {
    const objects = await renderChart(CHART);
    expect(await manifestProblems(objects)).toEqual([]);
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual([
      "ConfigMap",
      "Deployment",
      "Deployment",
      "Deployment",
      "Role",
      "RoleBinding",
      "Service",
      "Service",
      "ServiceAccount",
    ]);
    // Secrets only by reference: the chart renders none, and references the database secret.
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expect([...referencedSecrets(objects)]).toEqual(["release-floe-dagster-database"]);
  });

  for (const size of ["small", "medium", "large", "artifacts"]) {
    it(`renders valid objects with \`floe helm-values\` output (${size})`, async () => {
      const objects = await renderChart(CHART, { valuesFiles: [work.valuesFiles[size]!] });
      expect(await manifestProblems(objects)).toEqual([]);
      const values = parse(await readFile(work.valuesFiles[size]!, "utf8")) as Record<string, any>;
      const userCode = findObject(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
      expect(userCode.resources).toEqual(values.userCode.resources);
      expect(findObject(objects, "Deployment", "-webserver").spec.template.spec.containers[0].resources).toEqual(
        values.webserver.resources,
      );
      expect(findObject(objects, "Deployment", "-daemon").spec.template.spec.containers[0].resources).toEqual(values.daemon.resources);
    });
  }

  it("wires the instance, the workspace and the run launcher together", async () => {
    const objects = await renderChart(CHART, { valuesFiles: [work.valuesFiles.artifacts!], set: ["postgresql.enabled=true"] });
    expect(await manifestProblems(objects)).toEqual([]);
    const instance = findObject(objects, "ConfigMap", "-instance");
    const dagsterYaml = parse(instance.data["dagster.yaml"]) as Record<string, any>;
    const workspace = parse(instance.data["workspace.yaml"]) as Record<string, any>;
    const userCodeService = findObject(objects, "Service", "-user-code");
    expect(workspace.load_from[0].grpc_server).toEqual({
      host: userCodeService.metadata.name,
      port: 3030,
      location_name: "shop-analytics",
    });
    expect(dagsterYaml.storage.postgres.postgres_db.password).toEqual({ env: "DAGSTER_PG_PASSWORD" });
    const launcher = dagsterYaml.run_launcher;
    expect(launcher.class).toBe("K8sRunLauncher");
    expect(launcher.config.instance_config_map).toBe(instance.metadata.name);
    expect(launcher.config.labels["floe.dev/product"]).toBe("shop-analytics");
    const run = launcher.config.run_k8s_config;
    expect(run.container_config.security_context).toMatchObject({
      run_as_non_root: true,
      allow_privilege_escalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(run.container_config.resources.limits).toEqual({ cpu: "2", memory: "4Gi" });
    expect(run.container_config.env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
    // The root filesystem is read-only: dbt's target/ and logs/ go to an emptyDir, in run pods and the gRPC server.
    const dbtEnv = [
      { name: "DBT_TARGET_PATH", value: "/opt/floe/dbt-work/target" },
      { name: "DBT_LOG_PATH", value: "/opt/floe/dbt-work/logs" },
    ];
    for (const entry of dbtEnv) expect(run.container_config.env).toContainEqual(entry);
    expect(run.container_config.volume_mounts).toContainEqual({ name: "dbt-work", mount_path: "/opt/floe/dbt-work" });
    expect(run.pod_spec_config.volumes).toContainEqual({ name: "dbt-work", empty_dir: {} });
    const userCode = findObject(objects, "Deployment", "-user-code").spec.template.spec;
    for (const entry of dbtEnv) expect(userCode.containers[0].env).toContainEqual(entry);
    expect(userCode.containers[0].volumeMounts).toContainEqual({ name: "dbt-work", mountPath: "/opt/floe/dbt-work" });
    expect(userCode.volumes).toContainEqual({ name: "dbt-work", emptyDir: {} });
    // The pod the run launcher builds from this config is as restricted as the chart's own.
    const runPod: K8sObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "dagster-run" },
      spec: {
        restartPolicy: "Never",
        ...(camelKeys(run.pod_spec_config) as object),
        containers: [{ name: "dagster", image: "user-code:1", ...(camelKeys(run.container_config) as object) }],
      },
    };
    expect(await manifestProblems([runPod])).toEqual([]);
    // The run launcher's service account may manage Jobs and read pods, logs and events, nothing else.
    const role = findObject(objects, "Role", "-run-launcher");
    const granted = role.rules.flatMap((r: any) => r.resources.map((res: string) => `${res}:${r.verbs.join(",")}`));
    expect(granted).toEqual([
      "jobs:create,get,list,watch,delete",
      "jobs/status:create,get,list,watch,delete",
      "pods:get,list,watch,delete",
      "pods/log:get",
      "events:get,list,watch",
    ]);
    // The trial database is the host Dagster uses.
    const postgres = findObject(objects, "StatefulSet", "-postgresql");
    const env = findObject(objects, "Deployment", "-daemon").spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "DAGSTER_PG_HOST", value: postgres.metadata.name });
    const grpc = findObject(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
    expect(grpc.command.slice(0, 3)).toEqual(["dagster", "api", "grpc"]);
    // `floe helm-values --artifacts` names the generated package's module: the server imports it, not a file.
    expect(grpc.command).not.toContain("--python-file");
    const module = grpc.command[grpc.command.indexOf("--module-name") + 1];
    expect(module).toBe(`${dagsterPackageName(JSON.parse(await readFile(CHART_ARTIFACTS, "utf8")))}.definitions`);
    expect(module).toMatch(/^floe_shop_analytics_h[0-9a-z]{10}\.definitions$/);
  });

  it("renders a dagster.yaml and workspace.yaml that Dagster's own config schemas accept", async () => {
    const python = venvPython("dagster");
    for (const [name, files] of [
      ["defaults", []],
      ["artifacts", [work.valuesFiles.artifacts!]],
    ] as const) {
      const objects = await renderChart(CHART, { valuesFiles: [...files] });
      const home = join(work.dir, `home-${name}`);
      await mkdir(home, { recursive: true });
      const instance = findObject(objects, "ConfigMap", "-instance");
      for (const [file, content] of Object.entries(instance.data as Record<string, string>)) await writeFile(join(home, file), content);
      const result = await execTool(
        python,
        [join(REPO_ROOT, "packages/floe-orchestrator-dagster/test/fixtures/check_instance.py"), home],
        work.dir,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("run_coordinator: dagster._core.run_coordinator.QueuedRunCoordinator");
      expect(result.stdout).toContain("workspace: ok");
    }
  });

  it("says in NOTES.txt how to reach the UI, and warns when no database is configured", async () => {
    const notes = await renderNotes(CHART);
    expect(notes).toContain("kubectl port-forward --namespace floe service/release-floe-dagster-webserver 3000:80");
    expect(notes).toContain("WARNING: database.host is empty");
    const configured = await renderNotes(CHART, ["database.host=db.example", "webserver.service.type=LoadBalancer"]);
    expect(configured).toContain("kubectl get service release-floe-dagster-webserver");
    expect(configured).not.toContain("WARNING");
  });

  it("runs only commands Dagster's own CLIs accept (containers and probes)", async () => {
    const objects = await renderChart(CHART);
    const distinct = podCommands(objects, { argv: "command", keep: (argv) => argv[0]?.startsWith("dagster") ?? false });
    expect(distinct.length).toBe(5);
    // The files the pods mount, where the check can find them.
    const root = join(work.dir, "pod-root");
    await mkdir(join(root, "opt/dagster/workspace"), { recursive: true });
    await writeFile(
      join(root, "opt/dagster/workspace/workspace.yaml"),
      findObject(objects, "ConfigMap", "-instance").data["workspace.yaml"],
    );
    const input = join(work.dir, "commands.json");
    await writeFile(input, `[${distinct.join(",")}]`);
    const script = join(REPO_ROOT, "packages/floe-orchestrator-dagster/test/fixtures/check_commands.py");
    const result = await execTool("bash", ["-c", `exec "$0" "$1" "$2" < "$3"`, venvPython("dagster"), script, root, input], work.dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(distinct.length);
  });

  it("serves a code location module when one is given", async () => {
    const objects = await renderChart(CHART, { set: ["userCode.codeLocation.module=shop.definitions"] });
    const grpc = findObject(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
    expect(grpc.command).toContain("--module-name");
    expect(grpc.command).toContain("shop.definitions");
    expect(grpc.command).not.toContain("--python-file");
  });

  describe("several code locations (userCode.codeLocations, the values of `floe generate a.json b.json`)", () => {
    let productsValues: string;
    beforeAll(async () => {
      const out = join(work.dir, "products-out");
      const products = join(REPO_ROOT, "examples/jaffle_shop/products");
      const result = await execTool(process.execPath, [
        join(REPO_ROOT, "packages/floe-core/bin/floe.js"),
        "generate",
        join(products, "jaffle_raw.json"),
        join(products, "jaffle_marts.json"),
        "--orchestrator",
        "dagster",
        "--out",
        out,
        "--dbt-project",
        join(REPO_ROOT, "examples/jaffle_shop"),
      ]);
      expect(result.code, result.stderr).toBe(0);
      productsValues = join(out, "values.yaml");
    });

    it("renders one gRPC server (Deployment and Service) per location, each selecting only its own pods", async () => {
      const objects = await renderChart(CHART, { valuesFiles: [productsValues] });
      expect(await manifestProblems(objects)).toEqual([]);
      const servers = objects.filter(
        (o) => o.kind === "Deployment" && (o.metadata.labels as Record<string, string>)["app.kubernetes.io/component"] === "user-code",
      );
      expect(servers.map((d) => d.metadata.name)).toEqual([
        expect.stringMatching(/^release-floe-dagster-uc-jaffle-raw-[0-9a-f]{6}$/),
        expect.stringMatching(/^release-floe-dagster-uc-jaffle-marts-[0-9a-f]{6}$/),
      ]);
      const expected = [
        ["jaffle_raw", "floe_jaffle_raw.definitions"],
        ["jaffle_marts", "floe_jaffle_marts.definitions"],
      ];
      servers.forEach((deployment, i) => {
        const c = deployment.spec.template.spec.containers[0];
        const arg = (flag: string) => c.command[c.command.indexOf(flag) + 1];
        expect([arg("--location-name"), arg("--module-name")]).toEqual(expected[i]);
        expect(c.image).toBe("ghcr.io/floe-data/floe-dagster-user-code:latest");
        // Its Service has its name and selects its pods, not the other location's.
        const service = findObject(objects, "Service", deployment.metadata.name);
        const matches = (labels: Record<string, string>) =>
          Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v);
        expect(servers.map((d) => matches(d.spec.template.metadata.labels))).toEqual(servers.map((_, j) => j === i));
        expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
      });
      expect(objects.some((o) => o.metadata.name.endsWith("-user-code"))).toBe(false);
      const workspace = parse(findObject(objects, "ConfigMap", "-instance").data["workspace.yaml"]) as Record<string, any>;
      expect(workspace.load_from.map((l: any) => l.grpc_server)).toEqual(
        servers.map((d, i) => ({ host: d.metadata.name, port: 3030, location_name: expected[i]![0] })),
      );
      const notes = await renderNotes(CHART, [
        "userCode.codeLocations[0].name=jaffle_raw",
        "userCode.codeLocations[0].module=floe_jaffle_raw.definitions",
        "userCode.codeLocations[1].name=jaffle_marts",
        "userCode.codeLocations[1].module=floe_jaffle_marts.definitions",
      ]);
      expect(notes).toMatch(/"jaffle_raw" \(floe_jaffle_raw\.definitions\) at release-floe-dagster-uc-jaffle-raw-[0-9a-f]{6}:3030/);
      expect(notes).toMatch(/"jaffle_marts" \(floe_jaffle_marts\.definitions\) at release-floe-dagster-uc-jaffle-marts-[0-9a-f]{6}:3030/);
    });

    it("renders a workspace.yaml Dagster's schema accepts and commands Dagster's CLI accepts", async () => {
      const objects = await renderChart(CHART, { valuesFiles: [productsValues], set: ["userCode.codeLocations[1].port=3031"] });
      const home = join(work.dir, "home-products");
      await mkdir(home, { recursive: true });
      for (const [file, content] of Object.entries(findObject(objects, "ConfigMap", "-instance").data as Record<string, string>))
        await writeFile(join(home, file), content);
      const python = venvPython("dagster");
      const instance = await execTool(
        python,
        [join(REPO_ROOT, "packages/floe-orchestrator-dagster/test/fixtures/check_instance.py"), home],
        work.dir,
      );
      expect(instance.code, instance.stderr).toBe(0);
      expect(instance.stdout).toContain("workspace: ok");
      const ports = (parse(findObject(objects, "ConfigMap", "-instance").data["workspace.yaml"]) as any).load_from.map(
        (l: any) => l.grpc_server.port,
      );
      expect(ports).toEqual([3030, 3031]);
      const distinct = podCommands(objects, { argv: "command", keep: (argv) => argv[0] === "dagster" && argv[2] === "grpc" });
      expect(distinct.length).toBe(2);
      const input = join(work.dir, "products-commands.json");
      await writeFile(input, `[${distinct.join(",")}]`);
      const root = join(work.dir, "pod-root-products");
      await mkdir(root, { recursive: true });
      const script = join(REPO_ROOT, "packages/floe-orchestrator-dagster/test/fixtures/check_commands.py");
      const result = await execTool("bash", ["-c", `exec "$0" "$1" "$2" < "$3"`, python, script, root, input], work.dir);
      expect(result.code, result.stderr).toBe(0);
    });

    it("keeps the names within 63 characters and distinct for long names that cut alike", async () => {
      const release = "a-release-name-as-long-as-helm-allows-fifty-three-chr";
      const long = "jaffle_shop_product_with_a_long_name";
      const objects = await renderChart(CHART, {
        release,
        set: [
          `userCode.codeLocations[0].name=${long}_one`,
          "userCode.codeLocations[0].module=a.definitions",
          `userCode.codeLocations[1].name=${long}_two`,
          "userCode.codeLocations[1].module=b.definitions",
        ],
      });
      expect(await manifestProblems(objects)).toEqual([]);
      const services = objects.filter(
        (o) => o.kind === "Service" && (o.metadata.labels as Record<string, string>)["app.kubernetes.io/component"] === "user-code",
      );
      expect(services).toHaveLength(2);
      expect(new Set(services.map((o) => o.metadata.name)).size).toBe(2);
    });

    const refusedLocations: Array<[string, string[], RegExp]> = [
      [
        "two locations of one name",
        [
          "userCode.codeLocations[0].name=a",
          "userCode.codeLocations[0].module=a.d",
          "userCode.codeLocations[1].name=a",
          "userCode.codeLocations[1].module=b.d",
        ],
        /userCode\.codeLocations\[1\]\.name: "a" is already the name of another code location/,
      ],
      [
        "a location without module or pythonFile",
        ["userCode.codeLocations[0].name=a"],
        /userCode\.codeLocations\[0\]: set module .* or pythonFile/,
      ],
      ["a location without a name", ["userCode.codeLocations[0].module=a.d"], /at '\/userCode\/codeLocations\/0': missing property 'name'/],
      [
        "an unknown key in a location",
        ["userCode.codeLocations[0].name=a", "userCode.codeLocations[0].image=x"],
        /additional properties 'image' not allowed/,
      ],
      [
        "a bad location name",
        ["userCode.codeLocations[0].name=-a", "userCode.codeLocations[0].module=a.d"],
        /at '\/userCode\/codeLocations\/0\/name'/,
      ],
    ];
    // Refused by the chart's own checks (templates/_helpers.tpl), or by the schema.
    itRefusesValues(CHART, refusedLocations, false);
  });

  itKeepsNamesWithinLimits(CHART, ["postgresql.enabled=true"]);

  const refused: Array<[string, string[], RegExp]> = [
    ["an unknown top-level key", ["bogus=1"], /additional properties 'bogus' not allowed/],
    ["an unknown key in a component", ["webserver.bogus=1"], /at '\/webserver': additional properties 'bogus' not allowed/],
    [
      "an unknown key three levels down",
      ["userCode.resources.limits.gpu=1"],
      /at '\/userCode\/resources\/limits': additional properties 'gpu' not allowed/,
    ],
    ["a string where a port goes", ["webserver.port=http"], /at '\/webserver\/port': got string, want integer/],
    ["a number where a boolean goes", ["postgresql.enabled=3"], /at '\/postgresql\/enabled': got number, want boolean/],
    ["a bad quantity", ["daemon.resources.limits.cpu=lots"], /at '\/daemon\/resources\/limits\/cpu'/],
    [
      "a plain-text secret next to the reference",
      ["database.password=hunter2"],
      /at '\/database': additional properties 'password' not allowed/,
    ],
  ];
  itRefusesValues(CHART, refused);
});
