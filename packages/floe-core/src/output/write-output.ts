/**
 * Writes a generated directory so that a SIGKILL at any moment leaves `<dir>` holding one complete
 * version, and so that floe never deletes or moves a file it did not write.
 *
 * Ownership: every version floe writes carries `.floe-output.json`, the list of the files in it. An
 * existing `<dir>` is replaced only when it is empty or holds exactly files that list names (plus
 * Python's `__pycache__/*.pyc` caches of them); anything else is refused with FLOE_OUTPUT_NOT_OWNED
 * (exit 2) before a byte is written.
 *
 * Two layouts, both built from rename(2) of complete directories:
 *
 * - `plain` (the default): `<dir>` is a real directory. A write fills `.<name>.floe/v-….staging`,
 *   renames it to `.<name>.floe/v-…` (complete), renames the old `<dir>` to `.<name>.floe/v-….previous`
 *   and the new version to `<dir>`, then removes the old one and the empty `.<name>.floe`. Between the
 *   two renames (microseconds) `<dir>` does not exist; a writer killed right there leaves the old
 *   version complete at `….previous`, and the next write (or `recoverOutputDirectory`) puts it back.
 *   Node has no renameat2(RENAME_EXCHANGE), which would close that gap.
 * - `symlink` (on request): `<dir>` is a symlink to `.<name>.floe/v-…`, replaced by renaming a new
 *   symlink over it, so a reader never finds `<dir>` missing. The previous version and every version
 *   younger than RETIRE_GRACE_MS stay for readers in the middle of them; a floe-owned real directory
 *   found at `<dir>` is kept as `.<name>.floe/legacy` until the next write (restored if a writer dies
 *   between the two renames of that migration).
 *
 * Durability against power loss (fsync) is not attempted; the guarantee is about killed processes.
 */
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve, sep } from "node:path";
import { FloeError, isFloeError } from "../errors.js";
import { isProcessAlive } from "../process-alive.js";

/** The file in every floe-written output that lists what floe wrote there. */
export const OUTPUT_MANIFEST = ".floe-output.json";

/** A file to write; bytes for copied files (a bundled dbt project), text for generated ones. */
export interface OutputFile {
  path: string;
  content: string | Uint8Array;
}

export type OutputLayoutKind = "plain" | "symlink";

export interface WriteOutputOptions {
  /** `plain` (default): a real directory swapped by rename; `symlink`: a symlink to a versioned sibling. */
  layout?: OutputLayoutKind;
  /** More top-level fields for `.floe-output.json` (e.g. `plan`, the plan summary `generate --plan` compares with). */
  manifest?: Record<string, unknown>;
}

export interface OutputLayout {
  /** The path the user named. */
  target: string;
  /** The hidden sibling holding versions being written (and, for the symlink layout, the current one). */
  versionsDir: string;
  /** Where the symlink layout keeps a real directory that stood at `<name>` before. */
  legacyDir: string;
}

export function outputLayout(outDir: string): OutputLayout {
  const target = resolve(outDir);
  const versionsDir = join(dirname(target), `.${basename(target)}.floe`);
  return { target, versionsDir, legacyDir: join(versionsDir, "legacy") };
}

function checkRelative(path: string): void {
  if (
    path === "" ||
    path.startsWith("/") ||
    path.includes("\u0000") ||
    path.split(/[\\/]/).some((part) => part === ".." || part === "." || part === "")
  ) {
    throw new FloeError("FLOE_INTERNAL", `generated file path "${path}" is not a plain relative path`);
  }
  if (path === OUTPUT_MANIFEST)
    throw new FloeError("FLOE_INTERNAL", `generated file path "${path}" is reserved for floe's own list of files`);
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function outputFailed(message: string, error: unknown, path: string): FloeError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new FloeError("FLOE_OUTPUT_FAILED", `${message}${code ? ` (${code})` : ""}`, {
    path,
    hint: "check that the output's parent directory is writable and has space",
    cause: error,
  });
}

export function renderOutputManifest(paths: ReadonlyArray<string>, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ writtenBy: "floe", files: [...paths].sort(), ...extra }, null, 2)}\n`;
}

/**
 * The `.floe-output.json` of a floe-written output (plain or symlink layout), or undefined when there is
 * none or it is not floe's (never throws: a plan against such an output shows everything as new).
 */
export async function readOutputManifest(outDir: string): Promise<(Record<string, unknown> & { files: string[] }) | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(resolve(outDir), OUTPUT_MANIFEST), "utf8")) as unknown;
    if (typeof manifest !== "object" || manifest === null) return undefined;
    const m = manifest as Record<string, unknown>;
    return m.writtenBy === "floe" && Array.isArray(m.files) ? (m as Record<string, unknown> & { files: string[] }) : undefined;
  } catch {
    return undefined;
  }
}

const PYCACHE = /(^|\/)__pycache__\/[^/]+\.pyc$/;

/**
 * The first file under `dir` that floe did not write (relative path), or null when floe owns it all:
 * `dir` is empty, or every file is listed in its `.floe-output.json` or is a `__pycache__` bytecode cache.
 */
export async function findForeignFile(dir: string): Promise<string | null> {
  let listed: Set<string> | null = null;
  try {
    const manifest = JSON.parse(await readFile(join(dir, OUTPUT_MANIFEST), "utf8")) as { writtenBy?: unknown; files?: unknown };
    if (manifest.writtenBy === "floe" && Array.isArray(manifest.files)) listed = new Set(manifest.files.map(String));
  } catch {
    listed = null;
  }
  const walk = async (sub: string): Promise<string | null> => {
    const entries = await readdir(join(dir, sub), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const found = await walk(rel);
        if (found !== null) return found;
      } else if (!(entry.isFile() && (rel === OUTPUT_MANIFEST || listed?.has(rel) || PYCACHE.test(rel)))) {
        return rel;
      }
    }
    return null;
  };
  return walk("");
}

async function refuseForeign(dir: string, shownAs: string): Promise<void> {
  const foreign = await findForeignFile(dir);
  if (foreign === null) return;
  throw new FloeError(
    "FLOE_OUTPUT_NOT_OWNED",
    `${shownAs} holds ${foreign}, which floe did not write; floe replaces only directories it wrote`,
    {
      path: "options.out",
      hint: `choose a new or empty --out directory, or move ${foreign} out of ${shownAs}`,
    },
  );
}

/** Points `<name>` at `relTarget` atomically: a new symlink renamed over the old one. */
async function swapLink(layout: OutputLayout, relTarget: string, id: string): Promise<void> {
  const link = join(layout.versionsDir, `${id}.link`);
  await rm(link, { force: true });
  await symlink(relTarget, link);
  await rename(link, layout.target);
}

const VERSION_ENTRY = /^v-(\d+)-(\d+)-[0-9a-f]+(\.staging|\.link|\.previous)?$/;

/**
 * Repairs what a writer killed between two renames leaves: `<name>` missing while its old contents sit
 * in `.<name>.floe` (`v-….previous` of the plain layout, `legacy` of the symlink layout's migration).
 * Safe to call at any time; does nothing otherwise, or while the writer that moved it is still alive.
 */
export async function recoverOutputDirectory(outDir: string): Promise<void> {
  const layout = outputLayout(outDir);
  if ((await lstatOrNull(layout.target)) !== null) return;
  let entries: string[];
  try {
    entries = await readdir(layout.versionsDir);
  } catch {
    return;
  }
  const previous = entries
    .map((entry) => ({ entry, match: VERSION_ENTRY.exec(entry) }))
    .filter(({ match }) => match?.[3] === ".previous" && (Number(match[2]) === process.pid || !isProcessAlive(Number(match[2]))))
    .sort((a, b) => Number(b.match![1]) - Number(a.match![1]))[0];
  if (previous) {
    await rename(join(layout.versionsDir, previous.entry), layout.target);
    return;
  }
  if (!(await lstatOrNull(layout.legacyDir))?.isDirectory()) return;
  await swapLink(layout, `${basename(layout.versionsDir)}/legacy`, `recover-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** How long a replaced version stays readable, whatever number of writes follow it. */
export const RETIRE_GRACE_MS = 5_000;

/** Removes versions no longer pointed at (keeping `keep`), and the leftovers of writers that died. */
async function cleanVersions(layout: OutputLayout, keep: ReadonlySet<string>): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(layout.versionsDir);
  } catch {
    return;
  }
  await Promise.all(
    entries.map(async (entry) => {
      if (keep.has(entry)) return;
      const match = VERSION_ENTRY.exec(entry);
      const isLegacy = entry === "legacy";
      if (!match && !isLegacy) return; // not ours: leave it alone
      // A live writer's staging directory or link is not stale; its finished version may be about to be linked.
      if (match && Number(match[2]) !== process.pid && isProcessAlive(Number(match[2]))) return;
      const createdAt = match ? Number(match[1]) : 0;
      if (match && !match[3] && Date.now() - createdAt < RETIRE_GRACE_MS) return;
      await rm(join(layout.versionsDir, entry), { recursive: true, force: true });
    }),
  );
}

/**
 * Replaces the contents of `outDir` with `files` atomically (see the layouts above). On any error
 * before the swap, `outDir` is untouched and the staging directory is removed.
 */
export async function writeOutputDirectory(
  outDir: string,
  files: ReadonlyArray<OutputFile>,
  options: WriteOutputOptions = {},
): Promise<void> {
  const kind = options.layout ?? "plain";
  const layout = outputLayout(outDir);
  for (const file of files) checkRelative(file.path);
  const paths = new Set<string>();
  for (const file of files) {
    if (paths.has(file.path)) throw new FloeError("FLOE_INTERNAL", `generated file path "${file.path}" appears twice`);
    paths.add(file.path);
  }

  try {
    await recoverOutputDirectory(outDir);
  } catch (error) {
    throw outputFailed(`cannot restore ${outDir} from ${layout.versionsDir}`, error, "options.out");
  }
  const existing = await lstatOrNull(layout.target);
  if (existing && !existing.isSymbolicLink() && !existing.isDirectory()) {
    throw new FloeError("FLOE_OUTPUT_FAILED", `${outDir} exists and is not a directory`, {
      path: "options.out",
      hint: "choose another output path or remove that file",
    });
  }
  const previousLink = existing?.isSymbolicLink() ? await readlink(layout.target) : null;
  if (previousLink !== null && !previousLink.startsWith(`${basename(layout.versionsDir)}/`)) {
    throw new FloeError("FLOE_OUTPUT_NOT_OWNED", `${outDir} is a symlink to ${previousLink}, which floe did not make`, {
      path: "options.out",
      hint: "choose a new or empty --out directory",
    });
  }
  // A version written by floe before it kept .floe-output.json (the symlink layout of floe-core 1.0)
  // is floe's as a whole; the `legacy` directory it moved a user's files to is not.
  const isUnlistedOldVersion =
    previousLink !== null &&
    /^v-\d+-\d+-[0-9a-f]+$/.test(basename(previousLink)) &&
    (await lstatOrNull(join(layout.target, OUTPUT_MANIFEST))) === null;
  if (existing && !isUnlistedOldVersion) await refuseForeign(layout.target, outDir);

  const id = `v-${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join(layout.versionsDir, `${id}.staging`);
  const version = join(layout.versionsDir, id);
  try {
    await mkdir(layout.versionsDir, { recursive: true });
    await mkdir(staging);
    for (const file of files) {
      const path = join(staging, ...file.path.split("/"));
      if (!path.startsWith(staging + sep)) throw new FloeError("FLOE_INTERNAL", `generated file path "${file.path}" escapes the output`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    await writeFile(join(staging, OUTPUT_MANIFEST), renderOutputManifest([...paths], options.manifest), "utf8");
    await rename(staging, version);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    await rmdir(layout.versionsDir).catch(() => undefined);
    throw isFloeError(error) ? error : outputFailed(`cannot write the output into ${staging}`, error, "options.out");
  }

  if (kind === "plain") await swapPlain(layout, outDir, id, existing !== null);
  else await swapSymlink(layout, outDir, id, existing?.isDirectory() === true, previousLink);
}

async function swapPlain(layout: OutputLayout, outDir: string, id: string, hasExisting: boolean): Promise<void> {
  const version = join(layout.versionsDir, id);
  const previous = join(layout.versionsDir, `${id}.previous`);
  try {
    if (hasExisting) await rename(layout.target, previous);
    await rename(version, layout.target);
  } catch (error) {
    await recoverOutputDirectory(outDir).catch(() => undefined);
    await rm(version, { recursive: true, force: true }).catch(() => undefined);
    throw outputFailed(`cannot switch ${outDir} to the new output`, error, "options.out");
  }
  // The old version (a directory, or the symlink of the other layout) and dead writers' leftovers go;
  // versions of the symlink layout stay for their grace period, then the hidden sibling goes too.
  await rm(previous, { recursive: true, force: true }).catch(() => undefined);
  await cleanVersions(layout, new Set()).catch(() => undefined);
  await rmdir(layout.versionsDir).catch(() => undefined);
}

async function swapSymlink(
  layout: OutputLayout,
  outDir: string,
  id: string,
  isRealDir: boolean,
  previousLink: string | null,
): Promise<void> {
  const version = join(layout.versionsDir, id);
  try {
    if (isRealDir) {
      // A floe-owned real directory: keep it as `legacy` (recoverable if we die right here).
      await rm(layout.legacyDir, { recursive: true, force: true });
      await rename(layout.target, layout.legacyDir);
    }
    await swapLink(layout, `${basename(layout.versionsDir)}/${id}`, id);
  } catch (error) {
    await recoverOutputDirectory(outDir).catch(() => undefined);
    await rm(version, { recursive: true, force: true }).catch(() => undefined);
    throw outputFailed(`cannot switch ${outDir} to the new output`, error, "options.out");
  }
  // Keep the new version and the one readers may still be in; drop everything older.
  const keep = new Set<string>([id]);
  if (previousLink) keep.add(basename(previousLink));
  else if (isRealDir) keep.add("legacy");
  await cleanVersions(layout, keep).catch(() => undefined);
}
