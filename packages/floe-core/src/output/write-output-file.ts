/** Writes one file atomically: a temporary sibling, fsync'd, then renamed over the target. */
import { lstat, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, parse } from "node:path";
import { FloeError } from "../errors.js";
import { shortInput } from "../redact.js";

/**
 * Refuses, before anything is created, an output path that is not what the command writes: for a
 * file, a device (renaming over /dev/null as root would replace the system's), a FIFO, a socket, a
 * directory; for a directory, anything but a directory or a symlink to one; for both, a file-system
 * root (`--out /` once left `/..floe` behind). Symlinks are followed; a path that does not exist is fine.
 */
export async function checkOutputTarget(target: string, kind: "file" | "directory"): Promise<void> {
  const wanted = kind === "file" ? "a regular file" : "a directory";
  const refuse = (what: string): FloeError =>
    new FloeError("FLOE_USAGE", `${shortInput(target)} is ${what}, not ${wanted}`, {
      path: "options.out",
      hint:
        kind === "file"
          ? "give the path of a new or existing regular file, e.g. --out compiled_artifacts.json"
          : "give the path of a new or existing directory, e.g. --out out/dagster",
    });
  if (basename(target) === "" || parse(target).root === target) throw refuse("a file-system root");
  const link = await lstat(target).catch(() => undefined);
  if (!link) return;
  const info = link.isSymbolicLink() ? await stat(target).catch(() => undefined) : link;
  if (!info) return; // a dangling symlink: the write replaces the link itself
  if (kind === "file" ? info.isFile() : info.isDirectory()) return;
  if (info.isFile()) throw refuse("a file");
  if (info.isDirectory()) throw refuse("a directory");
  if (info.isFIFO()) throw refuse("a FIFO");
  if (info.isCharacterDevice() || info.isBlockDevice()) throw refuse("a device");
  if (info.isSocket()) throw refuse("a socket");
  throw refuse("a special file");
}

export async function writeOutputFile(target: string, content: string): Promise<void> {
  await checkOutputTarget(target, "file");
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.floe-tmp-${process.pid}-${Date.now()}`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new FloeError(
      "FLOE_OUTPUT_FAILED",
      `cannot write ${shortInput(target)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        path: "options.out",
        hint: "check that the directory is writable and --out is not a directory",
        cause: error,
      },
    );
  }
}
