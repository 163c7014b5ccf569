import { FloeError } from "../errors.js";

/**
 * One POSIX shell word that the shell reads back as exactly `value`: single-quoted, with embedded
 * single quotes closed, escaped and reopened. NUL cannot be passed to a program, so it is refused.
 */
export function shellQuote(value: string): string {
  if (value.includes("\u0000")) {
    throw new FloeError("FLOE_CONFIG_INVALID", "a value passed to the shell contains a NUL character", {
      hint: "remove the NUL character from the name",
    });
  }
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
