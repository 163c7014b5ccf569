/**
 * Test support for booting a rendered chart without a cluster (not part of the build): each pod's
 * containers run as local processes with the command, args, env and mounts Helm rendered, against a
 * real PostgreSQL that the test starts from Debian's binaries. What cannot be the same without a cluster
 * is mapped, and every mapping is spelled out here (see BootOptions) and in the test that uses it.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { shellQuote } from "floe-core";
// Repository-level tests have no yaml dependency of their own.
export { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { REPO_ROOT, podSpecOf, type K8sObject } from "./chart-checks.js";

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An error that ends a waitFor at once (a process died, a run failed) instead of being retried. */
export function fatal(message: string): Error {
  return Object.assign(new Error(message), { fatal: true });
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if ((error as { fatal?: boolean }).fatal) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

export interface Postgres {
  port: number;
  /** Creates a login role and a database it owns. */
  createDatabase(name: string, user: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

const NOBODY = 65534;

/**
 * A throwaway PostgreSQL cluster in `dir` on a free 127.0.0.1 port, from Debian's `postgresql` package
 * (scripts/ensure-postgres.sh installs it when missing). PostgreSQL refuses to run as root, so as root the
 * server runs as `nobody`.
 */
export async function startPostgres(dir: string): Promise<Postgres> {
  const bin = execFileSync("bash", [join(REPO_ROOT, "scripts/ensure-postgres.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const asRoot = process.getuid?.() === 0;
  const data = join(dir, "data");
  const socketDir = join(dir, "socket");
  mkdirSync(socketDir, { recursive: true });
  const superPassword = `pg-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, "pwfile"), `${superPassword}\n`);
  if (asRoot) {
    // mkdtemp makes 0700 directories: nobody needs to reach its own.
    for (let d = dir; d !== dirname(d) && d.startsWith("/tmp/"); d = dirname(d)) chmodSync(d, 0o755);
    for (const path of [dir, socketDir, join(dir, "pwfile")]) chownSync(path, NOBODY, NOBODY);
  }
  const asServerUser = (file: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "nobody", "--", file, ...args]] : [file, args];
  const exec = async (file: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [cmd, argv] = asServerUser(file, args);
    try {
      return await run(cmd, argv, { env: { ...process.env, LC_ALL: "C.UTF-8", ...env }, cwd: dir, timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${file} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  };
  await exec(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    `--pwfile=${join(dir, "pwfile")}`,
    "-E",
    "UTF8",
    "--no-instructions",
  ]);
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${socketDir} -c max_connections=300 -c fsync=off`;
  await exec(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const psql = (sql: string) =>
    exec(
      join(bin, "psql"),
      ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
      { PGPASSWORD: superPassword },
    );
  return {
    port,
    async createDatabase(name, user, password) {
      const literal = `'${password.replace(/'/g, "''")}'`;
      await psql(`CREATE ROLE "${user}" LOGIN PASSWORD ${literal}`);
      await psql(`CREATE DATABASE "${name}" OWNER "${user}"`);
    },
    async stop() {
      await exec(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]).catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Rendered pods

export type VolumeSource = { kind: "configMap"; name: string } | { kind: "secret"; name: string } | { kind: "emptyDir" };

export interface ContainerMount {
  path: string;
  volume: string;
  source: VolumeSource;
  subPath?: string;
  readOnly: boolean;
}

export interface RenderedContainer {
  name: string;
  /** command + args as Kubernetes joins them; `usesImageEntrypoint` when the container gives no command. */
  argv: string[];
  usesImageEntrypoint: boolean;
  env: Record<string, string>;
  mounts: ContainerMount[];
  workingDir?: string;
}

export interface RenderedPod {
  /** The workload's kind and name (Deployment/…, Job/…). */
  workload: string;
  component: string;
  initContainers: RenderedContainer[];
  containers: RenderedContainer[];
}

/** Secrets the chart references but never creates: name -> key -> value (what `kubectl create secret` would hold). */
export type Secrets = Record<string, Record<string, string>>;

function container(c: any, volumes: Map<string, VolumeSource>, secrets: Secrets, workload: string): RenderedContainer {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const value = secrets[name]?.[key];
      if (value === undefined)
        throw new Error(`${workload}/${c.name}: env ${e.name} needs secret ${name} key ${key}, which the test does not provide`);
      env[e.name] = value;
    } else if (e.valueFrom) {
      throw new Error(`${workload}/${c.name}: env ${e.name} uses an unsupported valueFrom ${JSON.stringify(e.valueFrom)}`);
    } else {
      env[e.name] = String(e.value ?? "");
    }
  }
  if (c.envFrom) throw new Error(`${workload}/${c.name}: envFrom is not supported here`);
  const mounts = (c.volumeMounts ?? []).map((m: any): ContainerMount => {
    const source = volumes.get(m.name);
    if (!source) throw new Error(`${workload}/${c.name}: mounts unknown volume ${m.name}`);
    return { path: m.mountPath, volume: m.name, source, subPath: m.subPath, readOnly: m.readOnly === true };
  });
  const command: string[] = c.command ?? [];
  return {
    name: c.name,
    argv: [...command, ...(c.args ?? [])],
    usesImageEntrypoint: command.length === 0,
    env,
    mounts,
    workingDir: c.workingDir,
  };
}

/** The pods of every Deployment and Job among the rendered objects, with env resolved from `secrets`. */
export function renderedPods(objects: K8sObject[], secrets: Secrets): RenderedPod[] {
  const pods: RenderedPod[] = [];
  for (const object of objects) {
    if (object.kind !== "Deployment" && object.kind !== "Job") continue;
    const spec = podSpecOf(object);
    const workload = `${object.kind}/${object.metadata.name}`;
    const volumes = new Map<string, VolumeSource>();
    for (const v of spec.volumes ?? []) {
      if (v.configMap) volumes.set(v.name, { kind: "configMap", name: v.configMap.name });
      else if (v.secret) volumes.set(v.name, { kind: "secret", name: v.secret.secretName });
      else if (v.emptyDir) volumes.set(v.name, { kind: "emptyDir" });
      else throw new Error(`${workload}: volume ${v.name} is neither a ConfigMap, a Secret nor an emptyDir`);
    }
    pods.push({
      workload,
      component: object.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"] ?? object.metadata.name,
      initContainers: (spec.initContainers ?? []).map((c: any) => container(c, volumes, secrets, workload)),
      containers: (spec.containers ?? []).map((c: any) => container(c, volumes, secrets, workload)),
    });
  }
  return pods;
}

/** The file contents of a ConfigMap (data) or Secret (the test's values) by name. */
export function volumeFiles(objects: K8sObject[], secrets: Secrets, source: VolumeSource): Record<string, string> {
  if (source.kind === "secret") {
    const data = secrets[source.name];
    if (!data) throw new Error(`secret ${source.name} is mounted but the test does not provide it`);
    return data;
  }
  if (source.kind === "configMap") {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === source.name);
    if (!cm) throw new Error(`ConfigMap ${source.name} is mounted but not rendered`);
    return (cm.data ?? {}) as Record<string, string>;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------
// Local pods

export interface BootOptions {
  /** The rendered objects (ConfigMaps are read from here). */
  objects: K8sObject[];
  secrets: Secrets;
  /** A fresh directory for this pod's volumes and logs. */
  dir: string;
  /**
   * MAPPING (the image): the venv whose bin/ stands for the image's executables (first on PATH) and
   * the environment the image itself sets (e.g. AIRFLOW_HOME in apache/airflow).
   */
  venv: string;
  imageEnv: Record<string, string>;
  /** MAPPING (the image): image contents, in-image path -> host directory (bind-mounted). */
  imageFiles: Record<string, string>;
  /**
   * The charts run containers with readOnlyRootFilesystem: the image contents are then bind-mounted
   * read-only, so a write into them (dbt's target/ in the project) fails as it would in the cluster.
   * Off only for what stands for the image build (`dbt parse` writing the manifest into the image).
   */
  readOnlyImage?: boolean;
  /** MAPPING (cluster DNS): host names that resolve to 127.0.0.1 in the pod (the rendered Services' names). */
  hosts: string[];
  /** MAPPING (no cluster): environment added after the container's own; each entry is listed in the test. */
  overrideEnv?: Record<string, string>;
  /** MAPPING (no cluster): ConfigMap files replaced before they are written, "<configmap>/<key>" -> content. */
  overrideFiles?: Record<string, string>;
}

export interface LocalProcess {
  name: string;
  child: ChildProcess;
  log: string;
}

/** Where the pod's volume `name` lives on the host. */
function volumeDir(dir: string, volume: string): string {
  return join(dir, "volumes", volume);
}

/**
 * Writes the pod's volumes to `options.dir` (ConfigMap and Secret keys as files, emptyDirs as empty
 * directories, shared by the pod's containers like in Kubernetes) and a hosts file.
 */
function preparePod(pod: RenderedPod, options: BootOptions): void {
  mkdirSync(join(options.dir, "logs"), { recursive: true });
  const written = new Set<string>();
  for (const c of [...pod.initContainers, ...pod.containers]) {
    for (const mount of c.mounts) {
      if (written.has(mount.volume)) continue;
      written.add(mount.volume);
      const target = volumeDir(options.dir, mount.volume);
      mkdirSync(target, { recursive: true });
      const files = volumeFiles(options.objects, options.secrets, mount.source);
      for (const [key, content] of Object.entries(files)) {
        const override = mount.source.kind === "configMap" ? options.overrideFiles?.[`${mount.source.name}/${key}`] : undefined;
        writeFileSync(join(target, key), override ?? content);
      }
    }
  }
  const hosts = readFileSync("/etc/hosts", "utf8");
  writeFileSync(join(options.dir, "hosts"), `${hosts.trimEnd()}\n127.0.0.1 ${options.hosts.join(" ")}\n`);
}

/**
 * The shell script that builds the container's filesystem view in a private mount namespace and then
 * execs its argv: a tmpfs over each missing mount point's deepest existing ancestor (so nothing is
 * created on the host), the image contents, the volumes at their exact mountPaths, /etc/hosts.
 */
function mountScript(c: RenderedContainer, options: BootOptions): string {
  const binds: Array<{ source: string; target: string; file: boolean }> = [];
  for (const [path, source] of Object.entries(options.imageFiles)) binds.push({ source, target: path, file: false });
  for (const m of c.mounts) {
    const source = m.subPath ? join(volumeDir(options.dir, m.volume), m.subPath) : volumeDir(options.dir, m.volume);
    if (m.subPath && !existsSync(source)) throw new Error(`${c.name}: subPath ${m.subPath} of volume ${m.volume} does not exist`);
    binds.push({ source, target: m.path, file: Boolean(m.subPath) });
  }
  binds.push({ source: join(options.dir, "hosts"), target: "/etc/hosts", file: true });
  // Parents before children; a target that hides a source (the /tmp emptyDir over a test dir in /tmp)
  // goes after every bind that reads from it.
  const hidesSource = (b: { target: string }) => binds.some((o) => o.source.startsWith(`${b.target}/`));
  binds.sort(
    (a, b) =>
      Number(hidesSource(a)) - Number(hidesSource(b)) ||
      a.target.split("/").length - b.target.split("/").length ||
      a.target.localeCompare(b.target),
  );
  for (const b of binds) {
    if (hidesSource(b) && binds.some((o) => o.target.startsWith(`${b.target}/`)))
      throw new Error(`${c.name}: ${b.target} both hides a source and holds a mount`);
  }
  const lines = ["set -e"];
  const tmpfsAt = new Set<string>();
  for (const b of binds) {
    let ancestor = dirname(b.target);
    while (!existsSync(ancestor)) ancestor = dirname(ancestor);
    const covered =
      [...tmpfsAt].some((t) => b.target.startsWith(`${t}/`)) ||
      binds.some((o) => o !== b && !o.file && b.target.startsWith(`${o.target}/`));
    if (!existsSync(b.target) && !covered) {
      if (ancestor === "/") throw new Error(`${c.name}: cannot mount at ${b.target} without writing to the host's /`);
      tmpfsAt.add(ancestor);
    }
  }
  for (const t of tmpfsAt) lines.push(`mount -t tmpfs -o mode=755 floe-root ${shellQuote(t)}`);
  for (const b of binds) {
    lines.push(
      b.file
        ? `mkdir -p ${shellQuote(dirname(b.target))}; [ -e ${shellQuote(b.target)} ] || : > ${shellQuote(b.target)}`
        : `mkdir -p ${shellQuote(b.target)}`,
    );
    lines.push(`mount --bind ${shellQuote(b.source)} ${shellQuote(b.target)}`);
  }
  for (const m of c.mounts) if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shellQuote(m.path)}`);
  if (options.readOnlyImage) for (const path of Object.keys(options.imageFiles)) lines.push(`mount -o remount,bind,ro ${shellQuote(path)}`);
  if (c.workingDir) lines.push(`cd ${shellQuote(c.workingDir)}`);
  lines.push('exec "$@"');
  return lines.join("\n");
}

/** Starts one container as a local process in its own mount namespace and process group. */
export function startContainer(pod: RenderedPod, c: RenderedContainer, options: BootOptions): LocalProcess {
  const log = join(options.dir, "logs", `${c.name}.log`);
  const fd = openSync(log, "a");
  const env = {
    PATH: `${join(options.venv, "bin")}:/usr/local/bin:/usr/bin:/bin`,
    LANG: "C.UTF-8",
    ...options.imageEnv,
    ...c.env,
    ...options.overrideEnv,
  };
  const asRoot = process.getuid?.() === 0;
  const unshare = [...(asRoot ? [] : ["--user", "--map-root-user"]), "--mount", "--propagation", "private"];
  const child = spawn("unshare", [...unshare, "/bin/sh", "-c", mountScript(c, options), `${pod.component}/${c.name}`, ...c.argv], {
    env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  return { name: `${pod.workload}/${c.name}`, child, log };
}

/** Runs a pod's init containers one after the other to completion (like the kubelet), each within `timeoutMs`. */
export async function runToCompletion(
  pod: RenderedPod,
  containers: RenderedContainer[],
  options: BootOptions,
  timeoutMs: number,
): Promise<void> {
  for (const c of containers) {
    const p = startContainer(pod, c, options);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        stopProcesses([p]).then(
          () => resolve(null),
          () => resolve(null),
        );
      }, timeoutMs);
      p.child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    if (code !== 0) throw new Error(`${p.name} ${code === null ? "timed out" : `exited ${code}`}:\n${tail(p.log)}`);
  }
}

/** Writes the pod's volumes, runs its init containers, then starts its containers. */
export async function startPod(pod: RenderedPod, options: BootOptions, initTimeoutMs = 300_000): Promise<LocalProcess[]> {
  preparePod(pod, options);
  await runToCompletion(pod, pod.initContainers, options, initTimeoutMs);
  return pod.containers.map((c) => startContainer(pod, c, options));
}

export function tail(path: string, chars = 4000): string {
  try {
    return readFileSync(path, "utf8").slice(-chars);
  } catch {
    return "(no log)";
  }
}

/** SIGTERM to each process group, SIGKILL after `graceMs`; never throws. */
export async function stopProcesses(processes: LocalProcess[], graceMs = 15_000): Promise<void> {
  const signal = (p: LocalProcess, sig: NodeJS.Signals) => {
    try {
      if (p.child.pid !== undefined) process.kill(-p.child.pid, sig);
    } catch {
      // already gone
    }
  };
  await Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) {
            signal(p, "SIGKILL"); // children it left behind in its group
            resolve();
            return;
          }
          const timer = setTimeout(() => {
            signal(p, "SIGKILL");
            resolve();
          }, graceMs);
          p.child.once("exit", () => {
            clearTimeout(timer);
            signal(p, "SIGKILL");
            resolve();
          });
          signal(p, "SIGTERM");
        }),
    ),
  );
}
