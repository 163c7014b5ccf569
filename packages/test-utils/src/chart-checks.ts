/**
 * Test support for the plugins' chart e2e tests (not part of the build): runs the pinned Helm, parses
 * what it renders, validates each object against Kubernetes' schemas (kubernetes-models) and checks
 * the pod-security rules floe's charts promise.
 */
import { execFile, execFileSync } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let helmPath: string | undefined;
/** The pinned Helm binary (scripts/ensure-helm.sh builds it once and caches it). */
export function helmBinary(): string {
  helmPath ??= execFileSync("bash", [`${REPO_ROOT}scripts/ensure-helm.sh`], { encoding: "utf8" }).trim();
  return helmPath;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function execTool(file: string, args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}): Promise<ExecResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(error) };
  }
}

export function helm(args: string[]): Promise<ExecResult> {
  return execTool(helmBinary(), args);
}

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; [key: string]: unknown }; [key: string]: any };

/** `helm template` → the rendered objects; throws with Helm's message when rendering fails. */
export async function renderChart(
  chartDir: string,
  options: { valuesFiles?: string[]; set?: string[]; namespace?: string; release?: string } = {},
): Promise<K8sObject[]> {
  const args = ["template", options.release ?? "release", chartDir, "--namespace", options.namespace ?? "floe"];
  for (const file of options.valuesFiles ?? []) args.push("--values", file);
  for (const item of options.set ?? []) args.push("--set", item);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

/**
 * NOTES.txt as Helm renders it for these values. `helm template` skips NOTES and `helm install --dry-run`
 * needs a cluster, so a copy of the chart renders it into a ConfigMap with Helm's own `tpl`.
 */
export async function renderNotes(chartDir: string, set: string[] = []): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "floe-chart-notes-"));
  try {
    await cp(chartDir, copy, { recursive: true });
    // .Files cannot see templates/, so the copy keeps NOTES.txt where it can.
    await cp(join(copy, "templates", "NOTES.txt"), join(copy, "floe-notes.txt"));
    await writeFile(
      join(copy, "templates", "zz-notes.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ tpl (.Files.Get "floe-notes.txt") . | quote }}\n',
    );
    const objects = await renderChart(copy, { set });
    const notes = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "notes");
    return (notes!.data as { notes: string }).notes;
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

/** Validates one object with the kubernetes-models class for its apiVersion and kind. */
export async function validateKubernetesObject(object: K8sObject): Promise<void> {
  const where = `${object.kind}/${object.metadata?.name}`;
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") throw new Error(`${where}: no apiVersion/kind`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<string, unknown>;
  } catch {
    throw new Error(`${where}: kubernetes-models knows no ${object.apiVersion} ${object.kind}`);
  }
  const Model = mod[object.kind] as new (data: unknown) => { validate(): void };
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${where} is not a valid ${object.apiVersion} ${object.kind}: ${(error as Error).message}`);
  }
}

/** The pod spec of a workload (or of a Pod). */
export function podSpecOf(object: K8sObject): any | undefined {
  if (object.kind === "Pod") return object.spec;
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(object.kind)) return object.spec?.template?.spec;
  if (object.kind === "CronJob") return object.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

// The Container fields of the Kubernetes API; kubernetes-models' schemas let unknown fields through.
const CONTAINER_FIELDS = new Set([
  "name",
  "image",
  "imagePullPolicy",
  "command",
  "args",
  "workingDir",
  "ports",
  "envFrom",
  "env",
  "resources",
  "resizePolicy",
  "restartPolicy",
  "volumeMounts",
  "volumeDevices",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
]);

/**
 * Problems with a pod spec against PSS "restricted" plus floe's own promises: limits on every container,
 * probes on every long-running container, mounts only of declared volumes.
 */
export function podProblems(spec: any, where: string, options: { probes?: boolean; claimedVolumes?: string[] } = {}): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${where}: uses host namespaces`);
  const volumes = new Set<string>([...(spec.volumes ?? []).map((v: { name: string }) => v.name), ...(options.claimedVolumes ?? [])]);
  for (const volume of spec.volumes ?? []) if (volume.hostPath) problems.push(`${where}: hostPath volume ${volume.name}`);
  const groups: Array<[string, any[]]> = [
    ["initContainers", spec.initContainers ?? []],
    ["containers", spec.containers ?? []],
  ];
  for (const [group, containers] of groups) {
    for (const c of containers) {
      const at = `${where} ${group}/${c.name}`;
      const sc = c.securityContext ?? {};
      for (const key of Object.keys(c)) if (!CONTAINER_FIELDS.has(key)) problems.push(`${at}: unknown container field ${key}`);
      if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
      if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${at}: runs as UID 0`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) problems.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: capabilities do not drop ALL`);
      if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) problems.push(`${at}: adds capabilities`);
      const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${at}: seccompProfile is not RuntimeDefault`);
      if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory) problems.push(`${at}: no cpu/memory limits`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) problems.push(`${at}: no cpu/memory requests`);
      for (const mount of c.volumeMounts ?? [])
        if (!volumes.has(mount.name)) problems.push(`${at}: mounts undeclared volume ${mount.name}`);
      if (group === "containers" && options.probes !== false && (!c.livenessProbe || !c.readinessProbe)) {
        problems.push(`${at}: no liveness/readiness probe`);
      }
    }
  }
  return problems;
}

/** Every problem across the rendered objects: schema, pod security, and references between objects. */
export async function manifestProblems(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const object of objects) {
    // Names become DNS labels (Services) and label values (job-name, pod-name): 63 characters at most.
    if (object.metadata.name.length > 63) problems.push(`${object.kind}/${object.metadata.name}: name longer than 63 characters`);
    if (object.kind === "StatefulSet" && object.metadata.name.length > 60)
      problems.push(`${object.kind}/${object.metadata.name}: pod names would pass 63 characters`);
    try {
      await validateKubernetesObject(object);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const spec = podSpecOf(object);
    if (!spec) continue;
    const where = `${object.kind}/${object.metadata.name}`;
    const claimedVolumes = (object.spec?.volumeClaimTemplates ?? []).map((t: K8sObject) => t.metadata.name);
    // Jobs and run-once pods (task pods) run to completion: probes do not apply.
    const runsToCompletion = object.kind === "Job" || (object.kind === "Pod" && (spec.restartPolicy ?? "Always") !== "Always");
    problems.push(...podProblems(spec, where, { probes: !runsToCompletion, claimedVolumes }));
    if (spec.serviceAccountName && spec.serviceAccountName !== "default" && !names.has(`ServiceAccount/${spec.serviceAccountName}`)) {
      problems.push(`${where}: service account ${spec.serviceAccountName} is not rendered`);
    }
    for (const volume of spec.volumes ?? []) {
      const cm = volume.configMap?.name;
      if (cm && !names.has(`ConfigMap/${cm}`)) problems.push(`${where}: ConfigMap ${cm} is not rendered`);
    }
  }
  return problems;
}

/** Workloads among the objects, and the secrets they reference by name. */
export function referencedSecrets(objects: K8sObject[]): Set<string> {
  const secrets = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const ref = record.secretKeyRef as { name?: string } | undefined;
      if (ref?.name) secrets.add(ref.name);
      Object.values(record).forEach(visit);
    }
  };
  objects.forEach(visit);
  return secrets;
}

/** The object of `kind` whose name ends in `suffix`; throws listing what was rendered otherwise. */
export function findObject(objects: K8sObject[], kind: string, suffix: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  if (!found) throw new Error(`no ${kind} *${suffix} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

/** The Python of the cached virtual environment scripts/python-env.sh builds for `tool`. */
export function venvPython(tool: "dagster" | "airflow"): string {
  return join(execFileSync("bash", [join(REPO_ROOT, "scripts/python-env.sh"), tool], { encoding: "utf8" }).trim(), "bin/python");
}

const FLOE_BIN = join(REPO_ROOT, "packages/floe-core/bin/floe.js");
/** The artifacts fixture the charts' values are derived from (product "shop-analytics"). */
export const CHART_ARTIFACTS = join(REPO_ROOT, "packages/floe-core/test/fixtures/artifacts/v0.10.0.json");

/** `floe helm-values --orchestrator <orchestrator> ...args` through the built CLI. */
export async function floeHelmValues(orchestrator: "dagster" | "airflow", args: string[]): Promise<string> {
  const result = await execTool(process.execPath, [FLOE_BIN, "helm-values", "--orchestrator", orchestrator, ...args]);
  if (result.code !== 0) throw new Error(`floe helm-values failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Values files from `floe helm-values` in `dir`: one per size (small, medium, large) and `artifacts`
 * (the fixture's product at `artifactsSize`). Returns name -> path.
 */
export async function writeHelmValuesFiles(
  orchestrator: "dagster" | "airflow",
  dir: string,
  artifactsSize: string,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const size of ["small", "medium", "large"]) {
    files[size] = join(dir, `${size}.yaml`);
    await writeFile(files[size]!, await floeHelmValues(orchestrator, ["--size", size]));
  }
  files.artifacts = join(dir, "artifacts.yaml");
  await writeFile(files.artifacts, await floeHelmValues(orchestrator, ["--size", artifactsSize, "--artifacts", CHART_ARTIFACTS]));
  return files;
}

/**
 * The distinct argv lists (JSON-encoded) the rendered pods run that `keep` accepts: each container's
 * `argv` field ("command" or "args") and its exec liveness/readiness probes, init containers too when
 * asked. The charts' e2e tests hand them to the orchestrator's own CLI parser.
 */
export function podCommands(
  objects: K8sObject[],
  options: { argv: "command" | "args"; initContainers?: boolean; keep: (argv: string[]) => boolean },
): string[] {
  const commands = new Set<string>();
  for (const o of objects) {
    const spec = o.spec?.template?.spec;
    const containers = [...(options.initContainers ? (spec?.initContainers ?? []) : []), ...(spec?.containers ?? [])];
    for (const c of containers) {
      for (const argv of [c[options.argv], c.livenessProbe?.exec?.command, c.readinessProbe?.exec?.command]) {
        if (argv && options.keep(argv)) commands.add(JSON.stringify(argv));
      }
    }
  }
  return [...commands];
}
