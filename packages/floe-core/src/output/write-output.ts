/**
 * Writes a generated directory. TODO(foundation): make the swap atomic under SIGKILL (the previous
 * directory must stay complete and unchanged on any failure); today it stages into a sibling
 * directory and renames, which leaves a short window where <dir> is absent.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { FloeError } from "../errors.js";
import type { GeneratedFile } from "../contracts.js";

function checkRelative(path: string): void {
  if (path === "" || path.startsWith("/") || path.split(/[\\/]/).some((part) => part === ".." || part === "")) {
    throw new FloeError("FLOE_INTERNAL", `generated file path "${path}" is not a plain relative path`);
  }
}

export async function writeOutputDirectory(outDir: string, files: ReadonlyArray<GeneratedFile>): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.floe-staging-${process.pid}-${Date.now()}`);
  try {
    for (const file of files) {
      checkRelative(file.path);
      const path = join(staging, ...file.path.split("/"));
      if (!path.startsWith(staging + sep)) throw new FloeError("FLOE_INTERNAL", `generated file path "${file.path}" escapes the output`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, "utf8");
    }
    const old = join(parent, `.${basename(target)}.floe-old-${process.pid}-${Date.now()}`);
    let hadOld = true;
    try {
      await rename(target, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      hadOld = false;
    }
    await rename(staging, target);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
