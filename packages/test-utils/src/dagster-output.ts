/**
 * How tests load what `floe generate --orchestrator dagster` wrote: the package floe_<product>/ in the output
 * directory, loaded as the module its workspace.yaml names (`python_module`), with the output directory as
 * Dagster's working directory — what `dagster … -m <module> -d <out>` does. Read from workspace.yaml, so a
 * test loading the output also checks what the file says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** `floe_<product>.definitions`, from the output's workspace.yaml. */
export function dagsterDefinitionsModule(out: string): string {
  const workspace = parse(readFileSync(join(out, "workspace.yaml"), "utf8")) as {
    load_from?: Array<{ python_module?: { module_name?: unknown } }>;
  };
  const module = workspace.load_from?.[0]?.python_module?.module_name;
  if (typeof module !== "string") throw new Error(`${join(out, "workspace.yaml")} names no python_module`);
  return module;
}

/** The generated package's directory (`<out>/floe_<product>`). */
export function dagsterPackageDir(out: string): string {
  return join(out, dagsterDefinitionsModule(out).split(".")[0] as string);
}

/** The generated definitions file (`<out>/floe_<product>/definitions.py`), for reading, not for loading. */
export function dagsterDefinitionsFile(out: string): string {
  return join(dagsterPackageDir(out), "definitions.py");
}

/** Dagster CLI target options loading the output: `-m floe_<product>.definitions -d <out>`. */
export function dagsterTarget(out: string): string[] {
  return ["-m", dagsterDefinitionsModule(out), "-d", out];
}
