/** Writes one file atomically: a temporary sibling, fsync'd, then renamed over the target. */
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FloeError } from "../errors.js";

export async function writeOutputFile(target: string, content: string): Promise<void> {
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
    throw new FloeError("FLOE_OUTPUT_FAILED", `cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      path: "--out",
      hint: "check that the directory is writable and --out is not a directory",
      cause: error,
    });
  }
}
