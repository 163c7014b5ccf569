import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { FloeError } from "../errors.js";

/** Reads a user-named input file, turning every file-system failure into a one-line bad-input error. */
export async function readInputFile(cwd: string, file: string, field: string): Promise<string> {
  const path = resolve(cwd, file);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FloeError("FLOE_FILE_NOT_FOUND", `no file at ${file}`, { path: field, hint: "check the path" });
  }
  if (!info.isFile()) {
    throw new FloeError("FLOE_FILE_NOT_FOUND", `${file} is not a file`, { path: field, hint: "pass a file, not a directory" });
  }
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new FloeError("FLOE_FILE_NOT_FOUND", `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, {
      path: field,
      hint: "check the file's permissions",
      cause: error,
    });
  }
}
