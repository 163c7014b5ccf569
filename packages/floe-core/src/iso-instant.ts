/** ISO-8601 instants as floe accepts them on the command line: with an offset, on a real calendar date. */
import { DateTime } from "luxon";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant, or undefined when `value` is not `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`, or
 * names a day or time that does not exist (2026-02-30, 25:00): Date.parse rolls those over silently.
 */
export function parseIsoInstant(value: string): Date | undefined {
  if (!ISO_INSTANT.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}
