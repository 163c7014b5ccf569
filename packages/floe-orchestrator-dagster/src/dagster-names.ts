/** Dagster's naming rules (jobs, schedules, asset key parts, groups, tag keys), checked the way Dagster checks them. */
import { PYTHON_KEYWORDS, safeName, type CompiledArtifacts } from "floe-core";

// Names Dagster refuses even though they match its character set (dagster/_core/definitions/utils.py).
const DAGSTER_RESERVED = new Set([
  "context",
  "conf",
  "config",
  "meta",
  "arg_dict",
  "dict",
  "input_arg_dict",
  "output_arg_dict",
  "int",
  "str",
  "float",
  "bool",
  "input",
  "output",
  "type",
  ...PYTHON_KEYWORDS,
]);

/** A name Dagster accepts (`^[A-Za-z0-9_]+$`, not reserved); distinct inputs stay distinct. */
export function dagsterName(value: string): string {
  return safeName(value, { allowed: /[A-Za-z0-9_]/, maxLength: 200, reserved: DAGSTER_RESERVED });
}

const TAG_PART = "[A-Za-z0-9_.-]{1,63}";
const TAG_KEY = new RegExp(`^(${TAG_PART}/)?${TAG_PART}$`);

/** Whether Dagster accepts `tag` as a tag key (dagster-dbt drops dbt tags that are not). */
export function isValidTagKey(tag: string): boolean {
  return TAG_KEY.test(tag);
}

// floe_* modules the generated code imports (or imported in earlier layouts): a package of that name
// would shadow them. Every other module it imports (dagster, dagster_dbt, dbt, orjson, ...) cannot be
// shadowed: the package name always starts with `floe_`.
const SHADOWED_MODULES = new Set(["floe_runtime", "floe_core", "floe_lineage", "floe_definitions"]);

/**
 * The Python package `floe generate --orchestrator dagster` writes the code location into:
 * `floe_<product name>`, lower case, a valid identifier (never a keyword). A product name that is not
 * already one (upper case, `-`, spaces, non-ASCII, ...) keeps its allowed characters and gets a hash
 * suffix, so two products never share a package, on case-insensitive file systems too. Fixed per data
 * product: the deployment loads `<package>.definitions`.
 */
export function dagsterPackageName(artifacts: Pick<CompiledArtifacts, "metadata">): string {
  return packageNameForProduct(artifacts.metadata.product_name);
}

export function packageNameForProduct(product: string): string {
  return safeName(`floe_${product}`, {
    allowed: /[A-Za-z0-9_]/,
    maxLength: 80,
    startsWithLetter: true,
    foldCase: true,
    reserved: SHADOWED_MODULES,
  });
}
