/**
 * Model names reach dbt's node-selector grammar (`dbt build --select <name>`), which has no escaping
 * and no unique_id method. A name is only safe there when dbt reads it as a bare fqn leaf that matches
 * that model alone, so generation refuses every other name instead of running the wrong models.
 */
import { FloeError } from "../errors.js";

/**
 * Characters with a meaning in dbt's selector grammar, plus whitespace (dbt splits `--select` values
 * on spaces; every JS `\s` character is refused to stay clear of shells and copy-paste). The
 * whitespace is spelled out, not `\s`, so the same source compiles to the same set in JavaScript and
 * in Python's `re` (where `\s` differs). `,` intersects, `:` names a method, `+`/`@` add parents and
 * children, `*`/`?`/`[`/`]` glob, `.` splits an fqn, `/` and `\` make it a path.
 */
export const DBT_SELECTOR_SPECIAL_SOURCE =
  "[\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff,:+@*?\\[\\]./\\\\]|^-";

const SPECIAL = new RegExp(DBT_SELECTOR_SPECIAL_SOURCE, "u");
const WHITESPACE = /\s/u;

/** The dbt package from a unique_id such as `model.jaffle_shop.orders` (null when it has none). */
export function dbtPackageOf(uniqueId: string | null | undefined): string | null {
  if (!uniqueId) return null;
  const parts = uniqueId.split(".");
  return parts.length >= 3 && parts[1] ? parts[1] : null;
}

/**
 * For a versioned model's transform name `<name>.v<version>` whose unique_id is
 * `model.<package>.<name>.v<version>`, the bare `<name>`; null otherwise. dbt 1.11 selects exactly that
 * version with `--select <name>.v<version>` (the fqn's last two parts; `<name>` alone selects every version).
 */
export function versionedModelBase(name: string, uniqueId?: string | null): string | null {
  const match = /^(.+)\.v([0-9A-Za-z_]+)$/u.exec(name);
  const pkg = dbtPackageOf(uniqueId);
  if (!match || pkg === null || uniqueId !== `model.${pkg}.${name}`) return null;
  return match[1] as string;
}

/**
 * Why dbt's `--select` would not match exactly this one model by `name`, or null when it would.
 * `uniqueId` (`model.<package>.<name>`) tells the package: a bare selector equal to a package name
 * selects the whole package. A versioned model's `<name>.v<version>` is accepted when the unique_id
 * says it is one (see `versionedModelBase`) and `<name>` is plain.
 */
export function dbtSelectorProblem(name: string, uniqueId?: string | null): string | null {
  if (name.length === 0) return "it is empty";
  const base = versionedModelBase(name, uniqueId);
  if (base !== null) {
    const problem = dbtSelectorProblem(base, `model.${dbtPackageOf(uniqueId) as string}.${base}`);
    return problem === null
      ? null
      : `its model name ${JSON.stringify(base)} (version ${name.slice(base.length + 2)}) has a problem: ${problem}`;
  }
  const match = SPECIAL.exec(name);
  if (match) {
    const found = match[0];
    if (found === "-") return "it starts with '-', which argument parsers (dagster-dbt's argparse among them) read as an option";
    if (WHITESPACE.test(found)) return `it contains whitespace (${JSON.stringify(found)}), which separates dbt selectors`;
    return `it contains ${JSON.stringify(found)}, which has a meaning in dbt's node selection (one of , : + @ * ? [ ] . / \\)`;
  }
  const pkg = dbtPackageOf(uniqueId);
  if (pkg !== null && pkg === name)
    return `it equals its dbt package's name, so selecting it selects the whole package ${JSON.stringify(pkg)}`;
  return null;
}

/** True when `dbt --select <name>` selects exactly the model named `name` (see `dbtSelectorProblem`). */
export function isPlainDbtModelName(name: string, uniqueId?: string | null): boolean {
  return dbtSelectorProblem(name, uniqueId) === null;
}

/**
 * The folders right under a dbt resource root (`models/staging/x.sql` -> `staging`): dbt matches a
 * bare selector against the second part of every fqn too, so a model named like one selects the folder.
 */
export function dbtTopFolderOf(path: string | null | undefined): string | null {
  if (!path) return null;
  const parts = path.split(/[\\/]/).filter((p) => p !== "" && p !== ".");
  return parts.length >= 3 ? (parts[1] as string) : null;
}

/**
 * Checks every model name (see `checkDbtModelName`), and that no name equals a folder right under the
 * resource root (`models/<folder>/…`) holding another of these models: `--select <folder>` selects
 * all of it. (Folders and packages outside these models are not known here.)
 */
export function checkDbtModelNames(
  models: ReadonlyArray<{ name: string; unique_id?: string | null; path?: string | null }>,
  where: string,
): void {
  // Two models per folder are enough to find one other than the model itself (linear at any size).
  const inFolder = new Map<string, number[]>();
  models.forEach((m, i) => {
    const folder = dbtTopFolderOf(m.path);
    if (folder === null) return;
    const seen = inFolder.get(folder);
    if (seen === undefined) inFolder.set(folder, [i]);
    else if (seen.length < 2) seen.push(i);
  });
  models.forEach((m, i) => {
    const path = `${where}[${i}].name`;
    checkDbtModelName(m.name, { path, uniqueId: m.unique_id });
    const other = (inFolder.get(m.name) ?? []).find((j) => j !== i);
    if (other !== undefined) {
      throw new FloeError(
        "FLOE_ARTIFACTS_INVALID",
        `model name ${JSON.stringify(m.name)} cannot be selected on its own by dbt: it equals the folder of ${JSON.stringify(models[other]?.path)}, so selecting it selects every model in that folder`,
        {
          path,
          hint: "rename the model or the folder: dbt selects a folder by the same bare word as a model",
        },
      );
    }
  });
}

/** Throws FLOE_ARTIFACTS_INVALID (exit 2) at `path` when the name is not a plain dbt model name. */
export function checkDbtModelName(name: string, options: { path: string; uniqueId?: string | null }): void {
  const problem = dbtSelectorProblem(name, options.uniqueId);
  if (problem === null) return;
  throw new FloeError("FLOE_ARTIFACTS_INVALID", `model name ${JSON.stringify(name)} cannot be selected on its own by dbt: ${problem}`, {
    path: options.path,
    hint: "rename the model: dbt selects models by name, and only a plain name (letters, digits, _, - not first; `<name>.v<version>` for a versioned model) selects exactly one",
  });
}
