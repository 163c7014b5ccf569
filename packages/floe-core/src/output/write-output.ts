/**
 * Writes a generated directory so that `<dir>` always shows one complete version, even if the
 * process is killed (SIGKILL) at any moment.
 *
 * Layout, next to the output:
 *
 *     <parent>/<name>                      symlink -> .<name>.floe/v-<time>-<pid>-<rand>
 *     <parent>/.<name>.floe/v-…            complete versions: the current one and the previous one
 *     <parent>/.<name>.floe/v-….staging    a version being written (never pointed at)
 *     <parent>/.<name>.floe/v-….link       the new symlink, just before it is renamed onto <name>
 *     <parent>/.<name>.floe/legacy         a real directory that stood at <name> before floe managed it
 *
 * A write fills a staging directory, renames it to its final version name, creates a new symlink
 * beside the old one and renames it over `<name>`. rename(2) replaces a symlink atomically, so a
 * reader sees the old version or the new one, never a missing or half-written `<name>`. The previous
 * version is kept for readers that were in the middle of it, and so is every version younger than
 * RETIRE_GRACE_MS (a slow reader that resolved the link just before several quick swaps still finds its
 * files); older versions and the staging leftovers of killed writers are removed by the next write.
 *
 * A real directory at `<name>` (written by hand or by an older floe) is moved to `.<name>.floe/legacy`
 * and replaced by the symlink. That one-time migration cannot be atomic (Node has no renameat2
 * RENAME_EXCHANGE), so it is made recoverable instead: if a writer dies between the two renames,
 * the next write (or `recoverOutputDirectory`) points `<name>` back at the legacy contents first.
 * Durability against power loss (fsync) is not attempted; the guarantee is about killed processes.
 */
import { lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve, sep } from "node:path";
import { FloeError, isFloeError } from "../errors.js";
import type { GeneratedFile } from "../contracts.js";
import { isProcessAlive } from "../process-alive.js";

export interface OutputLayout {
  /** The path the user named; a symlink once floe manages it. */
  target: string;
  /** The hidden sibling holding the versions. */
  versionsDir: string;
  /** Where a pre-existing real directory is kept. */
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

/** Points `<name>` at `relTarget` atomically: a new symlink renamed over the old one. */
async function swapLink(layout: OutputLayout, relTarget: string, id: string): Promise<void> {
  const link = join(layout.versionsDir, `${id}.link`);
  await rm(link, { force: true });
  await symlink(relTarget, link);
  await rename(link, layout.target);
}

/**
 * Repairs what a writer killed mid-migration leaves: `<name>` missing while its old contents sit in
 * `.<name>.floe/legacy`. Safe to call at any time; does nothing otherwise.
 */
export async function recoverOutputDirectory(outDir: string): Promise<void> {
  const layout = outputLayout(outDir);
  if ((await lstatOrNull(layout.target)) !== null) return;
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
      const match = /^v-\d+-(\d+)-[0-9a-f]+(\.staging|\.link)?$/.exec(entry);
      const isLegacy = entry === "legacy";
      if (!match && !isLegacy) return; // not ours: leave it alone
      // A live writer's staging directory or link is not stale; its finished version may be about to be linked.
      if (match && Number(match[1]) !== process.pid && isProcessAlive(Number(match[1]))) return;
      const createdAt = match ? Number(/^v-(\d+)-/.exec(entry)![1]) : 0;
      if (match && !match[2] && Date.now() - createdAt < RETIRE_GRACE_MS) return;
      await rm(join(layout.versionsDir, entry), { recursive: true, force: true });
    }),
  );
}

/**
 * Replaces the contents of `outDir` with `files` atomically (see the layout above). On any error
 * before the swap, `outDir` is untouched and the staging directory is removed.
 */
export async function writeOutputDirectory(outDir: string, files: ReadonlyArray<GeneratedFile>): Promise<void> {
  const layout = outputLayout(outDir);
  for (const file of files) checkRelative(file.path);
  const paths = new Set<string>();
  for (const file of files) {
    if (paths.has(file.path)) throw new FloeError("FLOE_INTERNAL", `generated file path "${file.path}" appears twice`);
    paths.add(file.path);
  }

  try {
    await mkdir(layout.versionsDir, { recursive: true });
    await recoverOutputDirectory(outDir);
  } catch (error) {
    throw outputFailed(`cannot prepare ${layout.versionsDir}`, error, "--out");
  }

  const existing = await lstatOrNull(layout.target);
  if (existing && !existing.isSymbolicLink() && !existing.isDirectory()) {
    throw new FloeError("FLOE_OUTPUT_FAILED", `${outDir} exists and is not a directory`, {
      path: "--out",
      hint: "choose another output path or remove that file",
    });
  }
  const previous = existing?.isSymbolicLink() ? await readlink(layout.target) : null;

  const id = `v-${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join(layout.versionsDir, `${id}.staging`);
  const version = join(layout.versionsDir, id);
  try {
    await mkdir(staging);
    for (const file of files) {
      const path = join(staging, ...file.path.split("/"));
      if (!path.startsWith(staging + sep)) throw new FloeError("FLOE_INTERNAL", `generated file path "${file.path}" escapes the output`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, "utf8");
    }
    await rename(staging, version);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw isFloeError(error) ? error : outputFailed(`cannot write the output into ${staging}`, error, "--out");
  }

  try {
    if (existing && existing.isDirectory()) {
      // First run over a real directory: keep it as `legacy` (recoverable if we die right here).
      await rm(layout.legacyDir, { recursive: true, force: true });
      await rename(layout.target, layout.legacyDir);
    }
    await swapLink(layout, `${basename(layout.versionsDir)}/${id}`, id);
  } catch (error) {
    await recoverOutputDirectory(outDir).catch(() => undefined);
    await rm(version, { recursive: true, force: true }).catch(() => undefined);
    throw outputFailed(`cannot switch ${outDir} to the new output`, error, "--out");
  }

  // Keep the new version and the one readers may still be in; drop everything older.
  const keep = new Set<string>([id]);
  if (previous) keep.add(basename(previous));
  else if (existing?.isDirectory()) keep.add("legacy");
  await cleanVersions(layout, keep).catch(() => undefined);
}
