/**
 * Reads a dbt project for `floe generate --bundle-dbt-project`: the files dbt needs to parse and run it
 * (dbt_packages included), never what dbt or the warehouse wrote (target/, logs/, DuckDB files) nor VCS
 * and cache folders. File I/O at the CLI's edge; the result is plain data for writeOutputDirectory.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { FloeError } from "../errors.js";
import type { OutputFile } from "./write-output.js";

/** Where a bundled project lands in the output. */
export const BUNDLED_DBT_PROJECT_DIR = "dbt";

const SKIPPED_ANYWHERE = new Set([".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules", ".DS_Store", ".user.yml"]);
// dbt's default target-path and log-path; dbt writes them at the project root.
const SKIPPED_AT_ROOT = new Set(["target", "logs"]);
const SKIPPED_FILE = /\.(duckdb|duckdb\.wal|db|db-journal|sqlite|sqlite3|pyc)$/i;

export function isBundledPath(relPath: string): boolean {
  const parts = relPath.split("/");
  if (SKIPPED_AT_ROOT.has(parts[0]!)) return false;
  if (parts.some((part) => SKIPPED_ANYWHERE.has(part))) return false;
  return !SKIPPED_FILE.test(parts[parts.length - 1]!);
}

/** Checks that `dir` is a dbt project (a directory with dbt_project.yml); exit 2 otherwise. */
export async function checkDbtProjectDir(dir: string, shownAs: string): Promise<void> {
  const found = await stat(join(dir, "dbt_project.yml")).catch(() => null);
  if (found?.isFile()) return;
  throw new FloeError("FLOE_FILE_NOT_FOUND", `${shownAs} is not a dbt project: it has no dbt_project.yml`, {
    path: "options.dbtProject",
    hint: "pass the directory that holds dbt_project.yml",
  });
}

/**
 * The project's files as output files under `dbt/`, sorted. Symlinks to files are copied as files;
 * symlinked directories are skipped and reported in `skipped` (a bundle must not follow links out).
 */
export async function readDbtProjectBundle(dir: string): Promise<{ files: OutputFile[]; skipped: string[] }> {
  const files: OutputFile[] = [];
  const skipped: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    const entries = await readdir(sub ? join(dir, ...sub.split("/")) : dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (!isBundledPath(rel)) continue;
      const full = join(dir, ...rel.split("/"));
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) {
        files.push({ path: `${BUNDLED_DBT_PROJECT_DIR}/${rel}`, content: await readFile(full) });
      } else skipped.push(rel);
    }
  };
  await walk("");
  return { files, skipped };
}
