/** Dagster's naming rules (jobs, schedules, asset key parts, groups, tag keys), checked the way Dagster checks them. */
import { PYTHON_KEYWORDS, safeName } from "floe-core";

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
