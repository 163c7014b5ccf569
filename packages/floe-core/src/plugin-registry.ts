/**
 * Finds orchestrator plugins from package.json files alone (`"floe.orchestrators"` and `"floe.apiVersion"`,
 * or the same nested as `"floe": { "orchestrators", "apiVersion" }`), and imports one only when asked.
 * It looks, in order, at the dependencies of the nearest package.json, of the workspace root above it,
 * and at the packages installed beside this floe-core (a global install, a checkout's own floe).
 */
// Synchronous fs on purpose: discovery reads ~1,000 small files, and the thread-pool round trips of
// fs/promises (open, fstat, read, close each) cost several times more than the reads themselves.
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as nodeModule from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FLOE_API_VERSION, isApiCompatible, parseApiVersion } from "./api-version.js";
import { FloeError, isFloeError, type FloeErrorCode } from "./errors.js";
import {
  adaptLegacyPlugin,
  isLegacyOrchestratorPlugin,
  isOrchestratorPlugin,
  isOrchestratorPluginClass,
  pluginCapabilities,
  type FloeOrchestratorPlugin,
  type PluginCapability,
} from "./orchestrator-plugin.js";

/** The canonical field: a flat key, as in `"floe.orchestrators": { "dagster": "./dist/index.js#DagsterPlugin" }`. */
export const ORCHESTRATORS_FIELD = "floe.orchestrators";
export const API_VERSION_FIELD = "floe.apiVersion";
/** Also accepted: `"floe": { "orchestrators": {…}, "apiVersion": "1.0" }`. */
export const NESTED_FIELD = "floe";

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
  /** The directory of the nearest package.json, or null when there is none at or above the working directory. */
  projectDir: string | null;
  /** Where discovery looked, in order, in words (for "nothing found" messages). */
  searched: string[];
  plugins: DiscoveredPlugin[];
  /** Packages that could not be read at all (no name to file a plugin under). */
  problems: Array<{ package: string; error: PluginProblem }>;
}

export interface DiscoverOptions {
  cwd: string;
  /**
   * The floe-core installation whose neighbours are searched too (the packages in the folder that holds
   * it). Defaults to this floe-core; `false` searches the project only.
   */
  besideFloeCore?: string | false;
}

/** A package.json larger than this is refused unread: no real manifest comes close. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** This floe-core's package directory (dist/ or src/ sits one level below it). */
const OWN_PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

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
  return nearestPackageDir(resolve(cwd));
}

function nearestPackageDir(start: string): string | null {
  let dir = start;
  for (;;) {
    if (exists(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readManifest(dir: string): Record<string, unknown> {
  const file = join(dir, "package.json");
  let manifest: unknown;
  try {
    manifest = readJson(file);
  } catch (error) {
    throw new FloeError("FLOE_CONFIG_INVALID", `cannot read ${file}: ${(error as Error).message}`, {
      path: "package.json",
      hint: "fix the project's package.json",
    });
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new FloeError("FLOE_CONFIG_INVALID", `${file} is not a JSON object`, {
      path: "package.json",
      hint: "fix the project's package.json",
    });
  }
  return manifest as Record<string, unknown>;
}

/**
 * The workspace root above a project: the nearest package.json further up that declares `workspaces`
 * (npm, Yarn) or has a pnpm-workspace.yaml beside it. Unreadable manifests up there are skipped: they
 * are not the user's project.
 */
function findWorkspaceRoot(projectDir: string): string | null {
  let dir = dirname(projectDir);
  if (dir === projectDir) return null;
  for (;;) {
    const found = nearestPackageDir(dir);
    if (!found) return null;
    try {
      if (exists(join(found, "pnpm-workspace.yaml"))) return found;
      const manifest = readJson(join(found, "package.json"));
      if (manifest && typeof manifest === "object" && "workspaces" in manifest) return found;
    } catch {
      // not a workspace root we can read; keep looking above it
    }
    const parent = dirname(found);
    if (parent === found) return null;
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

interface PnpApi {
  resolveToUnqualified(request: string, issuer: string): string | null;
}

/**
 * Where `name` is installed as seen from `fromDir`. Under Yarn's Plug'n'Play there is no node_modules:
 * Node's resolver (which the PnP runtime patches) answers, falling back to PnP's own lookup for a
 * package whose exports map hides package.json. Otherwise the node_modules walk Node does itself comes
 * first (it reads nothing, where Node's resolver reads each package.json for its exports map), then
 * Node's resolver for what only it knows (NODE_PATH, the global folders).
 */
function resolvePackageDir(fromDir: string, name: string, require: NodeJS.Require): string | null {
  const pnp = process.versions.pnp !== undefined;
  if (!pnp) {
    const found = findPackageDir(fromDir, name);
    if (found) return found;
  }
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // not installed, or its exports map hides package.json
  }
  const findPnpApi = (nodeModule as unknown as { findPnpApi?: (path: string) => PnpApi | null }).findPnpApi;
  const api = pnp ? findPnpApi?.(`${fromDir}${sep}`) : null;
  if (!api) return null;
  try {
    return api.resolveToUnqualified(name, `${fromDir}${sep}`);
  } catch {
    return null;
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

/** The package directories in a node_modules-like folder (one level, plus `@scope/*`). */
function packagesIn(folder: string): string[] {
  const dirs: string[] = [];
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const entry of list(folder)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) for (const scoped of list(join(folder, entry))) dirs.push(join(folder, entry, scoped));
    else dirs.push(join(folder, entry));
  }
  return dirs.sort();
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
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
    return {
      code: "FLOE_PLUGIN_INVALID",
      message: `entry "${value}" is not a path inside the package`,
      hint: "use a relative path such as ./dist/index.js",
    };
  }
  const absolute = resolve(packageDir, modulePath);
  if (modulePath.split(/[\\/]/).includes("..") || !isInside(packageDir, absolute)) {
    return {
      code: "FLOE_PLUGIN_INVALID",
      message: `entry "${value}" points outside its package`,
      hint: "entries must stay inside the package directory",
    };
  }
  return { module: absolute, exportName };
}

type Inspected = { plugins: DiscoveredPlugin[] } | { package: string; problem: PluginProblem } | null;

/** Lists plugins without importing any plugin code. Each broken package is reported on its own. */
export async function discoverPlugins(options: DiscoverOptions): Promise<DiscoveryResult> {
  const projectDir = nearestPackageDir(resolve(options.cwd));
  const result: DiscoveryResult = { projectDir, searched: [], plugins: [], problems: [] };
  const collect = (items: Inspected[]) => {
    const plugins: DiscoveredPlugin[] = [];
    for (const item of items) {
      if (!item) continue;
      if ("problem" in item) result.problems.push({ package: item.package, error: item.problem });
      else plugins.push(...item.plugins);
    }
    return plugins;
  };

  // The project's own dependencies, then its workspace root's; the nearest declaration of a name wins.
  const projectPlugins: DiscoveredPlugin[] = [];
  let projectFloeCore: string | null = null;
  if (projectDir) {
    const seen = new Set<string>();
    const workspaceRoot = findWorkspaceRoot(projectDir);
    for (const dir of workspaceRoot ? [projectDir, workspaceRoot] : [projectDir]) {
      result.searched.push(`the dependencies in ${join(dir, "package.json")}`);
      const names = dependencyNames(readManifest(dir)).filter((name) => !seen.has(name));
      for (const name of names) seen.add(name);
      const require = createRequire(join(dir, "package.json"));
      projectPlugins.push(...collect(names.map((name) => inspectDependency(dir, name, require))));
      if (projectFloeCore === null && names.includes("floe-core")) projectFloeCore = safeResolve(dir, "floe-core", require);
    }
  } else {
    result.searched.push(`no package.json at or above ${resolve(options.cwd)}`);
  }
  markDuplicates(projectPlugins);

  // Beside floe-core: a global install, npx -p, or a checkout's packages/. Skipped when the project
  // itself installed the floe-core that runs: its node_modules holds transitive packages, not choices.
  const besidePlugins: DiscoveredPlugin[] = [];
  const own = options.besideFloeCore === undefined ? OWN_PACKAGE_DIR : options.besideFloeCore;
  if (own !== false) {
    const ownDir = realOrSelf(own);
    if (projectFloeCore === null || realOrSelf(projectFloeCore) !== ownDir) {
      const projectDirs = new Set(projectPlugins.map((p) => p.packageDir));
      const folder = basename(dirname(ownDir)).startsWith("@") ? dirname(dirname(ownDir)) : dirname(ownDir);
      result.searched.push(`the packages beside floe-core in ${folder}`);
      const dirs = packagesIn(folder).filter((dir) => {
        const real = realOrSelf(dir);
        return real !== ownDir && !projectDirs.has(real);
      });
      const taken = new Set(projectPlugins.map((p) => p.name));
      const found = collect(dirs.map((dir) => inspectPackage(dir, null)));
      markDuplicates(found);
      // What the project declares wins over what happens to be installed beside floe-core.
      besidePlugins.push(...found.filter((p) => !taken.has(p.name)));
    }
  }

  result.plugins = [...projectPlugins, ...besidePlugins];
  result.plugins.sort((a, b) => a.name.localeCompare(b.name) || a.package.localeCompare(b.package));
  return result;
}

function safeResolve(fromDir: string, name: string, require: NodeJS.Require): string | null {
  try {
    return resolvePackageDir(fromDir, name, require);
  } catch {
    return null;
  }
}

function inspectDependency(fromDir: string, name: string, require: NodeJS.Require): Inspected {
  if (!PACKAGE_NAME.test(name)) {
    return { package: name, problem: { code: "FLOE_PLUGIN_INVALID", message: "the dependency name is not a valid npm package name" } };
  }
  let packageDir: string | null;
  try {
    packageDir = resolvePackageDir(fromDir, name, require);
  } catch (error) {
    return {
      package: name,
      problem: {
        code: "FLOE_PLUGIN_INVALID",
        message: `cannot resolve the package: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      },
    };
  }
  if (!packageDir) return null;
  return inspectPackage(packageDir, name);
}

/** Reads one installed package; `name` is the dependency key, or null to take the manifest's own name. */
function inspectPackage(dir: string, name: string | null): Inspected {
  let packageDir = dir;
  let pkg: Record<string, unknown>;
  const fallbackName = name ?? (basename(dirname(dir)).startsWith("@") ? `${basename(dirname(dir))}/${basename(dir)}` : basename(dir));
  try {
    if (name === null && !exists(join(packageDir, "package.json"))) return null;
    const data = readJson(join(packageDir, "package.json"));
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("package.json is not an object");
    pkg = data as Record<string, unknown>;
  } catch (error) {
    return {
      package: fallbackName,
      problem: { code: "FLOE_PLUGIN_INVALID", message: `unreadable package.json: ${(error as Error).message.split("\n")[0]}` },
    };
  }
  const packageName = name ?? (typeof pkg.name === "string" && PACKAGE_NAME.test(pkg.name) ? pkg.name : fallbackName);
  const declared = readPluginFields(pkg);
  if (declared === null) return null;
  if ("code" in declared) return { package: packageName, problem: declared };
  try {
    packageDir = realpathSync(packageDir); // pnpm's symlink -> the real directory, against which entries are checked
  } catch (error) {
    return {
      package: packageName,
      problem: {
        code: "FLOE_PLUGIN_INVALID",
        message: `cannot resolve the package: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      },
    };
  }
  const version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  const { orchestrators, apiVersion: declaredApi, apiField } = declared;
  const apiVersion = typeof declaredApi === "string" ? declaredApi : null;
  const plugins: DiscoveredPlugin[] = [];
  for (const [pluginName, entryValue] of Object.entries(orchestrators)) {
    const plugin: DiscoveredPlugin = {
      name: pluginName,
      package: packageName,
      version,
      floeApiVersion: apiVersion,
      compatible: false,
      packageDir,
      entry: null,
    };
    const parsed = parseEntry(entryValue, packageDir);
    const entry = "code" in parsed ? parsed : checkEntryFile(parsed, packageDir, entryValue as string);
    if ("code" in entry) {
      plugin.error = entry;
    } else if (!parseApiVersion(apiVersion)) {
      plugin.entry = entry;
      plugin.error = {
        code: "FLOE_PLUGIN_INVALID",
        message:
          declaredApi === undefined
            ? `package.json declares no "${API_VERSION_FIELD}"`
            : `"${apiField}" ${JSON.stringify(declaredApi) ?? String(declaredApi)} is not a string "MAJOR.MINOR"`,
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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The plugin declaration of a package.json: null when it declares none, a problem when it declares
 * one badly (never silently ignored), else the orchestrators and the API version with the field it came from.
 */
function readPluginFields(
  pkg: Record<string, unknown>,
): { orchestrators: Record<string, unknown>; apiVersion: unknown; apiField: string } | PluginProblem | null {
  const flat = ORCHESTRATORS_FIELD in pkg || API_VERSION_FIELD in pkg;
  const nested = NESTED_FIELD in pkg;
  if (!flat && !nested) return null;
  const invalid = (message: string): PluginProblem => ({
    code: "FLOE_PLUGIN_INVALID",
    message,
    hint: `declare "${ORCHESTRATORS_FIELD}": { "<name>": "./dist/index.js#MyPlugin" } and "${API_VERSION_FIELD}": "${FLOE_API_VERSION}"`,
  });
  if (flat && nested) return invalid(`declares both "${ORCHESTRATORS_FIELD}" and a nested "${NESTED_FIELD}" field; keep one`);
  if (flat) {
    if (!(ORCHESTRATORS_FIELD in pkg)) return invalid(`declares "${API_VERSION_FIELD}" but no "${ORCHESTRATORS_FIELD}"`);
    const field = pkg[ORCHESTRATORS_FIELD];
    if (!isObject(field)) return invalid(`"${ORCHESTRATORS_FIELD}" must be an object of name to "./file.js#Export"`);
    return { orchestrators: field, apiVersion: pkg[API_VERSION_FIELD], apiField: API_VERSION_FIELD };
  }
  const field = pkg[NESTED_FIELD];
  if (!isObject(field))
    return invalid(`"${NESTED_FIELD}" must be an object like { "orchestrators": {…}, "apiVersion": "${FLOE_API_VERSION}" }`);
  if (!("orchestrators" in field)) return invalid(`"${NESTED_FIELD}" has no "orchestrators"`);
  if (!isObject(field.orchestrators)) return invalid(`"${NESTED_FIELD}.orchestrators" must be an object of name to "./file.js#Export"`);
  return { orchestrators: field.orchestrators, apiVersion: field.apiVersion, apiField: `${NESTED_FIELD}.apiVersion` };
}

/** The entry must be a file whose real path (symlinks followed) is still inside the package. */
function checkEntryFile(
  entry: { module: string; exportName: string },
  packageDir: string,
  value: string,
): { module: string; exportName: string } | PluginProblem {
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
    return {
      code: "FLOE_PLUGIN_INVALID",
      message: `entry "${value}" is a link that points outside its package`,
      hint: "entries must stay inside the package directory",
    };
  }
  const info = statSync(real);
  if (!info.isFile())
    return { code: "FLOE_PLUGIN_INVALID", message: `entry "${value}" is not a file`, hint: "point the entry at a JavaScript module file" };
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

/** "install one …", naming every place discovery looked, so a user sees which lookup came up empty. */
export function installHint(searched: string[]): string {
  return `install one, e.g. npm install floe-orchestrator-dagster (looked in ${searched.join("; ")})`;
}

export interface LoadPluginOptions extends DiscoverOptions {
  /**
   * Passed to the plugin's constructor (API users); each plugin validates it with its own schema.
   * The CLI passes none: what a command needs goes to the operation (`generate` options, `connection.validate({ url })`).
   */
  options?: Record<string, unknown>;
}

/**
 * Imports and constructs the plugin for `name`, after checking that it is listed and compatible.
 * A plugin built for API 1.0 (the seven operations, no `generate`) comes back adapted to the
 * contract. Errors name `options.orchestrator` (the CLI shows --orchestrator).
 */
export async function loadPlugin(name: string, options: LoadPluginOptions): Promise<FloeOrchestratorPlugin> {
  const { plugins, searched } = await discoverPlugins(options);
  const plugin = plugins.find((p) => p.name === name);
  if (!plugin) {
    const available = plugins.filter((p) => p.compatible).map((p) => p.name);
    throw new FloeError("FLOE_PLUGIN_NOT_FOUND", `no orchestrator plugin named "${name}" is installed`, {
      path: "options.orchestrator",
      hint: available.length ? `installed: ${available.join(", ")}` : installHint(searched),
    });
  }
  return instantiatePlugin(plugin, options);
}

/** Imports and constructs a discovered plugin (checks as loadPlugin). */
export async function instantiatePlugin(
  plugin: DiscoveredPlugin,
  options: Pick<LoadPluginOptions, "options"> = {},
): Promise<FloeOrchestratorPlugin> {
  if (plugin.error || !plugin.entry) {
    const problem = plugin.error ?? { code: "FLOE_PLUGIN_INVALID" as const, message: "no entry" };
    throw new FloeError(problem.code, `${plugin.package}: ${problem.message}`, { path: "options.orchestrator", hint: problem.hint });
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
    throw new FloeError(
      "FLOE_PLUGIN_INCOMPATIBLE",
      `${plugin.package} class declares floe API ${String(declared)}; this floe-core provides ${FLOE_API_VERSION}`,
      {
        hint: "install a plugin version built for this floe-core",
      },
    );
  }
  let instance: unknown;
  try {
    instance = new exported(options.options ?? {});
  } catch (error) {
    if (isFloeError(error)) throw error;
    throw new FloeError(
      "FLOE_PLUGIN_LOAD_FAILED",
      `${plugin.package} failed to start: ${(error as Error)?.message?.split("\n")[0] ?? String(error)}`,
      {
        hint: "check the plugin's options; run with --debug for the stack",
        cause: error,
      },
    );
  }
  const usable = isOrchestratorPlugin(instance)
    ? instance
    : isLegacyOrchestratorPlugin(instance)
      ? adaptLegacyPlugin(instance, (extra) => new exported({ ...(options.options ?? {}), ...extra }))
      : undefined;
  if (!usable) {
    throw new FloeError(
      "FLOE_PLUGIN_INVALID",
      `${plugin.package} export "${plugin.entry.exportName}" does not implement the orchestrator plugin contract`,
      {
        hint: "implement FloeOrchestratorPlugin: name, version, floeApiVersion and generate()",
      },
    );
  }
  if (!isApiCompatible(usable.floeApiVersion)) {
    throw new FloeError(
      "FLOE_PLUGIN_INCOMPATIBLE",
      `${plugin.package} implements floe API ${usable.floeApiVersion}; this floe-core provides ${FLOE_API_VERSION}`,
      {
        hint: "install a plugin version built for this floe-core",
      },
    );
  }
  return usable;
}

/**
 * The optional capabilities of a discovered plugin (`floe plugins --json`). Imports and constructs
 * the plugin, so only for plugins discovery found compatible; a plugin that fails to load gives its error.
 */
export async function loadPluginCapabilities(
  plugin: DiscoveredPlugin,
): Promise<{ capabilities: PluginCapability[] } | { error: FloeError }> {
  try {
    return { capabilities: pluginCapabilities(await instantiatePlugin(plugin)) };
  } catch (error) {
    if (isFloeError(error)) return { error };
    throw error;
  }
}
