// charts/floe-dagster with the real Helm: lint, render with defaults and with `floe helm-values` output,
// validate every object against Kubernetes' schemas, check pod security, and refuse bad values.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  REPO_ROOT,
  execTool,
  helm,
  manifestProblems,
  referencedSecrets,
  renderChart,
  type K8sObject,
} from "../../../floe-core/src/test-support/chart-checks.js";

const CHART = join(REPO_ROOT, "charts/floe-dagster");
const FLOE = join(REPO_ROOT, "packages/floe-core/bin/floe.js");
const ARTIFACTS = join(REPO_ROOT, "packages/floe-core/test/fixtures/artifacts/v0.10.0.json");
let dir: string;
const valuesFiles: Record<string, string> = {};

async function helmValues(args: string[]): Promise<string> {
  const result = await execTool(process.execPath, [FLOE, "helm-values", "--orchestrator", "dagster", ...args]);
  if (result.code !== 0) throw new Error(`floe helm-values failed: ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "floe-dagster-chart-"));
  for (const size of ["small", "medium", "large"]) {
    valuesFiles[size] = join(dir, `${size}.yaml`);
    await writeFile(valuesFiles[size]!, await helmValues(["--size", size]));
  }
  valuesFiles.artifacts = join(dir, "artifacts.yaml");
  await writeFile(valuesFiles.artifacts, await helmValues(["--size", "medium", "--artifacts", ARTIFACTS]));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function find(objects: K8sObject[], kind: string, suffix: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  if (!found) throw new Error(`no ${kind} *${suffix} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

describe("charts/floe-dagster", () => {
  it("passes helm lint --strict, with defaults and with the large values", async () => {
    for (const extra of [[], ["--values", valuesFiles.large!], ["--set", "postgresql.enabled=true"]]) {
      const result = await helm(["lint", "--strict", CHART, ...extra]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
  });

  it("renders valid, PSS-restricted objects with the default values", async () => {
    const objects = await renderChart(CHART);
    expect(await manifestProblems(objects)).toEqual([]);
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual(["ConfigMap", "Deployment", "Deployment", "Deployment", "Role", "RoleBinding", "Service", "Service", "ServiceAccount"]);
    // Secrets only by reference: the chart renders none, and references the database secret.
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expect([...referencedSecrets(objects)]).toEqual(["release-floe-dagster-database"]);
  });

  for (const size of ["small", "medium", "large", "artifacts"]) {
    it(`renders valid objects with \`floe helm-values\` output (${size})`, async () => {
      const objects = await renderChart(CHART, { valuesFiles: [valuesFiles[size]!] });
      expect(await manifestProblems(objects)).toEqual([]);
      const values = parse(await readFile(valuesFiles[size]!, "utf8")) as Record<string, any>;
      const userCode = find(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
      expect(userCode.resources).toEqual(values.userCode.resources);
      expect(find(objects, "Deployment", "-webserver").spec.template.spec.containers[0].resources).toEqual(values.webserver.resources);
      expect(find(objects, "Deployment", "-daemon").spec.template.spec.containers[0].resources).toEqual(values.daemon.resources);
    });
  }

  it("wires the instance, the workspace and the run launcher together", async () => {
    const objects = await renderChart(CHART, { valuesFiles: [valuesFiles.artifacts!], set: ["postgresql.enabled=true"] });
    expect(await manifestProblems(objects)).toEqual([]);
    const instance = find(objects, "ConfigMap", "-instance");
    const dagsterYaml = parse(instance.data["dagster.yaml"]) as Record<string, any>;
    const workspace = parse(instance.data["workspace.yaml"]) as Record<string, any>;
    const userCodeService = find(objects, "Service", "-user-code");
    expect(workspace.load_from[0].grpc_server).toEqual({ host: userCodeService.metadata.name, port: 3030, location_name: "shop-analytics" });
    expect(dagsterYaml.storage.postgres.postgres_db.password).toEqual({ env: "DAGSTER_PG_PASSWORD" });
    const launcher = dagsterYaml.run_launcher;
    expect(launcher.class).toBe("K8sRunLauncher");
    expect(launcher.config.instance_config_map).toBe(instance.metadata.name);
    expect(launcher.config.labels["floe.dev/product"]).toBe("shop-analytics");
    const run = launcher.config.run_k8s_config;
    expect(run.container_config.security_context).toMatchObject({ run_as_non_root: true, allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } });
    expect(run.container_config.resources.limits).toEqual({ cpu: "2", memory: "4Gi" });
    expect(run.container_config.env).toContainEqual({ name: "OPENLINEAGE_URL", value: "http://127.0.0.1:5000" });
    // The run launcher's service account may manage Jobs and read pods, logs and events, nothing else.
    const role = find(objects, "Role", "-run-launcher");
    const granted = role.rules.flatMap((r: any) => r.resources.map((res: string) => `${res}:${r.verbs.join(",")}`));
    expect(granted).toEqual(["jobs:create,get,list,watch,delete", "jobs/status:create,get,list,watch,delete", "pods:get,list,watch,delete", "pods/log:get", "events:get,list,watch"]);
    // The trial database is the host Dagster uses.
    const postgres = find(objects, "StatefulSet", "-postgresql");
    const env = find(objects, "Deployment", "-daemon").spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "DAGSTER_PG_HOST", value: postgres.metadata.name });
    const grpc = find(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
    expect(grpc.command.slice(0, 3)).toEqual(["dagster", "api", "grpc"]);
    expect(grpc.command).toContain("--python-file");
  });

  it("renders a dagster.yaml and workspace.yaml that Dagster's own config schemas accept", async () => {
    const python = join(execFileSync("bash", [join(REPO_ROOT, "scripts/python-env.sh"), "dagster"], { encoding: "utf8" }).trim(), "bin/python");
    for (const [name, files] of [["defaults", []], ["artifacts", [valuesFiles.artifacts!]]] as const) {
      const objects = await renderChart(CHART, { valuesFiles: [...files] });
      const home = join(dir, `home-${name}`);
      await mkdir(home, { recursive: true });
      const instance = find(objects, "ConfigMap", "-instance");
      for (const [file, content] of Object.entries(instance.data as Record<string, string>)) await writeFile(join(home, file), content);
      const result = await execTool(python, [join(REPO_ROOT, "packages/floe-orchestrator-dagster/test/fixtures/check_instance.py"), home], dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("run_coordinator: dagster._core.run_coordinator.QueuedRunCoordinator");
      expect(result.stdout).toContain("workspace: ok");
    }
  });

  it("serves a code location module when one is given", async () => {
    const objects = await renderChart(CHART, { set: ["userCode.codeLocation.module=shop.definitions"] });
    const grpc = find(objects, "Deployment", "-user-code").spec.template.spec.containers[0];
    expect(grpc.command).toContain("--module-name");
    expect(grpc.command).toContain("shop.definitions");
    expect(grpc.command).not.toContain("--python-file");
  });

  const refused: Array<[string, string[], RegExp]> = [
    ["an unknown top-level key", ["bogus=1"], /additional properties 'bogus' not allowed/],
    ["an unknown key in a component", ["webserver.bogus=1"], /at '\/webserver': additional properties 'bogus' not allowed/],
    ["an unknown key three levels down", ["userCode.resources.limits.gpu=1"], /at '\/userCode\/resources\/limits': additional properties 'gpu' not allowed/],
    ["a string where a port goes", ["webserver.port=http"], /at '\/webserver\/port': got string, want integer/],
    ["a number where a boolean goes", ["postgresql.enabled=3"], /at '\/postgresql\/enabled': got number, want boolean/],
    ["a bad quantity", ["daemon.resources.limits.cpu=lots"], /at '\/daemon\/resources\/limits\/cpu'/],
    ["a plain-text secret next to the reference", ["database.password=hunter2"], /at '\/database': additional properties 'password' not allowed/],
  ];
  for (const [what, set, message] of refused) {
    it(`refuses ${what}`, async () => {
      const args = ["template", "release", CHART];
      for (const s of set) args.push("--set", s);
      const result = await helm(args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("values don't meet the specifications of the schema");
      expect(result.stderr).toMatch(message);
    });
  }
});
