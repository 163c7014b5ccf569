/**
 * Finds orchestrator plugins among the dependencies of the project floe runs in, from their
 * package.json alone (`"floe.orchestrators"` and `"floe.apiVersion"`), and imports one only when asked.
 */
// Synchronous fs on purpose: discovery reads ~1,000 small files, and the thread-pool round trips of
// fs/promises (open, fstat, read, close each) cost several times more than the reads themselves.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { FLOE_API_VERSION, isApiCompatible, parseApiVersion } from "./api-version.js";
import { FloeError, isFloeError, type FloeErrorCode } from "./errors.js";
import { isOrchestratorPlugin, isOrchestratorPluginClass, type OrchestratorPlugin } from "./orchestrator-plugin.js";

export const ORCHESTRATORS_FIELD = "floe.orchestrators";
export const API_VERSION_FIELD = "floe.apiVersion";

export interface PluginProblem {
  code: FloeErrorCode;
  message: string;
  hint?: string;
}

export interface DiscoveredPlugin {
  /** The orchestrator name (`--orchestrator <name>`). */
  name: string;
  /** The npm package that declares it. */
  package: string;
  /** That package's version. */
  version: string;
  /** The plugin API version the package declares, if any. */
  floeApiVersion: string | null;
  compatible: boolean;
  /** Absolute path of the package directory (symlinks resolved). */
  packageDir: string;
  /** The module path inside the package and the export name. */
  entry: { module: string; exportName: string } | null;
  error?: PluginProblem;
}

export interface DiscoveryResult {
  /** The directory of the package.json whose dependencies were searched, or null when none was found. */
  projectDir: string | null;
  plugins: DiscoveredPlugin[];
  /** Packages that could not be read at all (no name to file a plugin under). */
  problems: Array<{ package: string; error: PluginProblem }>;
}

export interface DiscoverOptions {
  cwd: string;
}

/** A package.json larger than this is refused unread: no real manifest comes close. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

function readJson(file: string): unknown {
  const info = statSync(file);
  if (!info.isFile()) throw new Error("package.json is not a file");
  if (info.size > MAX_PACKAGE_JSON_BYTES) throw new Error(`package.json is ${info.size} bytes, larger than ${MAX_PACKAGE_JSON_BYTES}`);
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message.split("\n")[0]})`);
  }
}

/** False when nothing is there; throws on anything else (a symlink loop, no permission) so it gets reported. */
function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}

// npm's rules for a package name, enough to keep a dependency key from naming a path outside node_modules.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes("..");
}

/** The nearest directory at or above `cwd` that holds a package.json. */
export async function findProjectDir(cwd: string): Promise<string | null> {
  let dir = resolve(cwd);
  for (;;) {
    if (exists(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Node's lookup: `<dir>/node_modules/<name>` from the project directory up to the root (symlinks not yet resolved). */
function findPackageDir(projectDir: string, name: string): string | null {
  let dir = projectDir;
  for (;;) {
    const candidate = join(dir, "node_modules", ...name.split("/"));
    if (exists(join(candidate, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function dependencyNames(manifest: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
    const deps = manifest[field];
    if (deps && typeof deps === "object" && !Array.isArray(deps)) for (const name of Object.keys(deps)) names.add(name);
  }
  return [...names].sort();
}

/** Splits `./dist/index.js#DagsterPlugin` and refuses anything that could leave the package. */
export function parseEntry(value: unknown, packageDir: string): { module: string; exportName: string } | PluginProblem {
  if (typeof value !== "string" || value.length === 0) {
    return { code: "FLOE_PLUGIN_INVALID", message: "the entry is not a string like ./dist/index.js#MyPlugin" };
  }
  const hash = value.lastIndexOf("#");
  const modulePath = hash === -1 ? value : value.slice(0, hash);
  const exportName = hash === -1 ? "default" : value.slice(hash + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    return { code: "FLOE_PLUGIN_INVALID", message: `export name "${exportName}" is not a JavaScript identifier` };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(modulePath) || isAbsolute(modulePath) || /^[\\/]/.test(modulePath) || modulePath.includes("\0")) {
    return { code: "FLOE_PLUGIN_INVALID", message: `entry "${value}" is not a path inside the package`, hint: "use a relative path such as ./dist/index.js" };
  }
  const absolute = resolve(packageDir, modulePath);
  if (modulePath.split(/[\\/]/).includes("..") || !isInside(packageDir, absolute)) {
    return { code: "FLOE_PLUGIN_INVALID", message: `entry "${value}" points outside its package`, hint: "entries must stay inside the package directory" };
  }
  return { module: absolute, exportName };
}

/** Lists plugins without importing any plugin code. Each broken package is reported on its own. */
export async function discoverPlugins(options: DiscoverOptions): Promise<DiscoveryResult> {
  const projectDir = await findProjectDir(options.cwd);
  const result: DiscoveryResult = { projectDir, plugins: [], problems: [] };
  if (!projectDir) return result;
  let manifest: Record<string, unknown>;
  try {
    manifest = readJson(join(projectDir, "package.json")) as Record<string, unknown>;
  } catch (error) {
    throw new FloeError("FLOE_CONFIG_INVALID", `cannot read ${join(projectDir, "package.json")}: ${(error as Error).message}`, {
      path: "package.json",
      hint: "fix the project's package.json",
    });
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new FloeError("FLOE_CONFIG_INVALID", `${join(projectDir, "package.json")} is not a JSON object`, {
      path: "package.json",
      hint: "fix the project's package.json",
    });
  }
  const names = dependencyNames(manifest);
  const found = await Promise.all(names.map((name) => inspectPackage(projectDir, name)));
  for (const item of found) {
    if (!item) continue;
    if ("problem" in item) result.problems.push({ package: item.package, error: item.problem });
    else result.plugins.push(...item.plugins);
  }
  markDuplicates(result.plugins);
  result.plugins.sort((a, b) => a.name.localeCompare(b.name) || a.package.localeCompare(b.package));
  return result;
}

async function inspectPackage(
  projectDir: string,
  name: string,
): Promise<{ plugins: DiscoveredPlugin[] } | { package: string; problem: PluginProblem } | null> {
  if (!PACKAGE_NAME.test(name)) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: "the dependency name is not a valid npm package name" } };
  }
  let packageDir: string | null;
  try {
    packageDir = findPackageDir(projectDir, name);
  } catch (error) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: `cannot resolve the package: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` } };
  }
  if (!packageDir) return null;
  let pkg: Record<string, unknown>;
  try {
    const data = readJson(join(packageDir, "package.json"));
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("package.json is not an object");
    pkg = data as Record<string, unknown>;
  } catch (error) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: `unreadable package.json: ${(error as Error).message.split("\n")[0]}` } };
  }
  if (!(ORCHESTRATORS_FIELD in pkg)) return null;
  try {
    packageDir = realpathSync(packageDir); // pnpm's symlink -> the real directory, against which entries are checked
  } catch (error) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: `cannot resolve the package: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` } };
  }
  const field = pkg[ORCHESTRATORS_FIELD];
  const version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  if (typeof field !== "object" || field === null || Array.isArray(field)) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: `"${ORCHESTRATORS_FIELD}" must be an object of name to "./file.js#Export"` } };
  }
  const declaredApi = pkg[API_VERSION_FIELD];
  const apiVersion = typeof declaredApi === "string" ? declaredApi : null;
  const plugins: DiscoveredPlugin[] = [];
  for (const [pluginName, entryValue] of Object.entries(field)) {
    const plugin: DiscoveredPlugin = {
      name: pluginName,
      package: name,
      version,
      floeApiVersion: apiVersion,
      compatible: false,
      packageDir,
      entry: null,
    };
    const parsed = parseEntry(entryValue, packageDir);
    const entry = "code" in parsed ? parsed : await checkEntryFile(parsed, packageDir, entryValue as string);
    if ("code" in entry) {
      plugin.error = entry;
    } else if (!parseApiVersion(apiVersion)) {
      plugin.entry = entry;
      plugin.error = {
        code: "FLOE_PLUGIN_INVALID",
        message:
          declaredApi === undefined
            ? `package.json declares no "${API_VERSION_FIELD}"`
            : `"${API_VERSION_FIELD}" ${JSON.stringify(declaredApi) ?? String(declaredApi)} is not a string "MAJOR.MINOR"`,
        hint: `declare "${API_VERSION_FIELD}": "${FLOE_API_VERSION}" in the plugin's package.json`,
      };
    } else if (!isApiCompatible(apiVersion!)) {
      plugin.entry = entry;
      plugin.error = {
        code: "FLOE_PLUGIN_INCOMPATIBLE",
        message: `plugin needs floe API ${apiVersion}; this floe-core provides ${FLOE_API_VERSION}`,
        hint: "install a plugin version built for this floe-core, or upgrade floe-core",
      };
    } else {
      plugin.entry = entry;
      plugin.compatible = true;
    }
    plugins.push(plugin);
  }
  return { plugins };
}

/** The entry must be a file whose real path (symlinks followed) is still inside the package. */
async function checkEntryFile(
  entry: { module: string; exportName: string },
  packageDir: string,
  value: string,
): Promise<{ module: string; exportName: string } | PluginProblem> {
  let real: string;
  try {
    real = realpathSync(entry.module);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      code: "FLOE_PLUGIN_INVALID",
      message: code === "ENOENT" ? `entry "${value}" does not exist` : `entry "${value}" cannot be resolved (${code ?? "error"})`,
      hint: "reinstall the plugin package, or fix its package.json entry",
    };
  }
  if (!isInside(packageDir, real)) {
    return { code: "FLOE_PLUGIN_INVALID", message: `entry "${value}" is a link that points outside its package`, hint: "entries must stay inside the package directory" };
  }
  const info = statSync(real);
  if (!info.isFile()) return { code: "FLOE_PLUGIN_INVALID", message: `entry "${value}" is not a file`, hint: "point the entry at a JavaScript module file" };
  return { module: real, exportName: entry.exportName };
}

function markDuplicates(plugins: DiscoveredPlugin[]): void {
  const byName = new Map<string, DiscoveredPlugin[]>();
  for (const plugin of plugins) byName.set(plugin.name, [...(byName.get(plugin.name) ?? []), plugin]);
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const packages = group.map((p) => p.package).sort();
    for (const plugin of group) {
      plugin.compatible = false;
      plugin.error = {
        code: "FLOE_PLUGIN_DUPLICATE",
        message: `orchestrator "${name}" is declared by several packages: ${packages.join(", ")}`,
        hint: "uninstall all but one of them",
      };
    }
  }
}

export interface LoadPluginOptions extends DiscoverOptions {
  /** Passed to the plugin's constructor; each plugin validates it with its own schema. */
  options?: Record<string, unknown>;
}

/** Imports and constructs the plugin for `name`, after checking that it is listed and compatible. */
export async function loadPlugin(name: string, options: LoadPluginOptions): Promise<OrchestratorPlugin> {
  const { plugins } = await discoverPlugins(options);
  const plugin = plugins.find((p) => p.name === name);
  if (!plugin) {
    const available = plugins.filter((p) => p.compatible).map((p) => p.name);
    throw new FloeError("FLOE_PLUGIN_NOT_FOUND", `no orchestrator plugin named "${name}" is installed`, {
      path: "--orchestrator",
      hint: available.length ? `installed: ${available.join(", ")}` : "install one, e.g. npm install floe-orchestrator-dagster",
    });
  }
  if (plugin.error || !plugin.entry) {
    const problem = plugin.error ?? { code: "FLOE_PLUGIN_INVALID" as const, message: "no entry" };
    throw new FloeError(problem.code, `${plugin.package}: ${problem.message}`, { path: "--orchestrator", hint: problem.hint });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(plugin.entry.module).href)) as Record<string, unknown>;
  } catch (error) {
    throw new FloeError("FLOE_PLUGIN_LOAD_FAILED", `${plugin.package} failed to load: ${(error as Error).message?.split("\n")[0]}`, {
      hint: "reinstall the plugin package; run with --debug for the stack",
      cause: error,
    });
  }
  const exported = mod[plugin.entry.exportName];
  if (!isOrchestratorPluginClass(exported)) {
    throw new FloeError("FLOE_PLUGIN_INVALID", `${plugin.package} export "${plugin.entry.exportName}" is not an OrchestratorPlugin class`, {
      hint: "the entry must name a class that extends OrchestratorPlugin",
    });
  }
  const declared = (exported as unknown as { floeApiVersion?: unknown }).floeApiVersion;
  if (declared !== undefined && (typeof declared !== "string" || !isApiCompatible(declared))) {
    throw new FloeError("FLOE_PLUGIN_INCOMPATIBLE", `${plugin.package} class declares floe API ${String(declared)}; this floe-core provides ${FLOE_API_VERSION}`, {
      hint: "install a plugin version built for this floe-core",
    });
  }
  let instance: unknown;
  try {
    instance = new exported(options.options ?? {});
  } catch (error) {
    if (isFloeError(error)) throw error;
    throw new FloeError("FLOE_PLUGIN_LOAD_FAILED", `${plugin.package} failed to start: ${(error as Error)?.message?.split("\n")[0] ?? String(error)}`, {
      hint: "check the plugin's options; run with --debug for the stack",
      cause: error,
    });
  }
  if (!isOrchestratorPlugin(instance)) {
    throw new FloeError("FLOE_PLUGIN_INVALID", `${plugin.package} export "${plugin.entry.exportName}" does not implement OrchestratorPlugin`, {
      hint: "implement every member of OrchestratorPlugin",
    });
  }
  if (!isApiCompatible(instance.floeApiVersion)) {
    throw new FloeError("FLOE_PLUGIN_INCOMPATIBLE", `${plugin.package} implements floe API ${instance.floeApiVersion}; this floe-core provides ${FLOE_API_VERSION}`, {
      hint: "install a plugin version built for this floe-core",
    });
  }
  return instance;
}
