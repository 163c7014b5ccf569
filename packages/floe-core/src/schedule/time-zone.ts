/** IANA zone validation with suggestions for near misses (spaces, case, abbreviations, POSIX-style names). */
import { IANAZone } from "luxon";
import { FloeError } from "../errors.js";
import { quoteInput } from "../redact.js";

/** Abbreviations and legacy names people type, mapped to a real zone to suggest. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  EST: "America/New_York",
  EDT: "America/New_York",
  EST5EDT: "America/New_York",
  ET: "America/New_York",
  CST: "America/Chicago",
  CDT: "America/Chicago",
  CST6CDT: "America/Chicago",
  CT: "America/Chicago",
  MST: "America/Denver",
  MDT: "America/Denver",
  MST7MDT: "America/Denver",
  MT: "America/Denver",
  PST: "America/Los_Angeles",
  PDT: "America/Los_Angeles",
  PST8PDT: "America/Los_Angeles",
  PT: "America/Los_Angeles",
  AKST: "America/Anchorage",
  HST: "Pacific/Honolulu",
  GMT: "Europe/London",
  BST: "Europe/London",
  IST: "Asia/Kolkata",
  WET: "Europe/Lisbon",
  CET: "Europe/Paris",
  CEST: "Europe/Paris",
  MET: "Europe/Paris",
  EET: "Europe/Athens",
  EEST: "Europe/Athens",
  MSK: "Europe/Moscow",
  JST: "Asia/Tokyo",
  KST: "Asia/Seoul",
  HKT: "Asia/Hong_Kong",
  SGT: "Asia/Singapore",
  AEST: "Australia/Sydney",
  AEDT: "Australia/Sydney",
  ACST: "Australia/Adelaide",
  AWST: "Australia/Perth",
  NZST: "Pacific/Auckland",
  NZDT: "Pacific/Auckland",
  NPT: "Asia/Kathmandu",
  Z: "UTC",
  ZULU: "UTC",
};

/** ICU lists some zones under their old names; IANA (and Python's tzdata) prefer the new ones. */
const MODERN_NAMES: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Louisville": "America/Kentucky/Louisville",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** The longest IANA name is 32 characters (America/Argentina/ComodRivadavia); leave room for typos. */
const MAX_ZONE_NAME_LENGTH = 64;

let zoneList: string[] | undefined;
function knownZones(): string[] {
  const icu = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf("timeZone");
  zoneList ??= [...icu.map((z) => MODERN_NAMES[z] ?? z), "UTC"];
  return zoneList;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, "_");
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** A real zone close to `name`, or undefined. */
export function suggestTimeZone(name: string): string | undefined {
  // The search is quadratic in the name's length: nothing longer than a real zone name is near one.
  if (name.length > MAX_ZONE_NAME_LENGTH) return undefined;
  const trimmed = name.trim();
  const upper = trimmed.toUpperCase();
  if (ABBREVIATIONS[upper]) return ABBREVIATIONS[upper];
  const key = normalize(trimmed);
  const zones = knownZones();
  const exact = zones.find((z) => normalize(z) === key);
  if (exact) return exact;
  const city = zones.find((z) => normalize(z.split("/").pop()!) === key);
  if (city) return city;
  let best: { zone: string; d: number } | undefined;
  for (const zone of zones) {
    const d = distance(key, normalize(zone));
    if (!best || d < best.d) best = { zone, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 4)) ? best.zone : undefined;
}

/**
 * Accepts a canonical-looking IANA name ("Area/Location" or "UTC"), exactly as spelled, that Node's
 * ICU knows. Fixed-offset and POSIX-rule names (EST5EDT, Etc/GMT+5, CET) are refused: they carry no
 * local DST history and the orchestrators' Python zone databases do not all agree on them.
 */
export function validateTimeZone(timezone: string): IANAZone {
  const problem = (message: string): FloeError => {
    const suggestion = typeof timezone === "string" ? suggestTimeZone(timezone) : undefined;
    return new FloeError("FLOE_TIMEZONE_INVALID", message, {
      path: "timezone",
      hint: suggestion ? `did you mean ${suggestion}?` : "use an IANA zone name such as Europe/London or America/New_York",
    });
  };
  if (typeof timezone !== "string" || timezone.trim() === "") throw problem("timezone is empty");
  const shown = quoteInput(timezone, MAX_ZONE_NAME_LENGTH);
  if (timezone.length > MAX_ZONE_NAME_LENGTH) throw problem(`${shown} is longer than any IANA time zone name`);
  if (timezone !== timezone.trim() || /\s/.test(timezone)) throw problem(`${shown} contains spaces; IANA names use underscores`);
  if (timezone === "UTC") return IANAZone.create("UTC");
  if (/^Etc\//.test(timezone) || /^[A-Z]{3,4}\d/.test(timezone))
    throw problem(`${shown} is a fixed-offset or POSIX-rule zone, not a place`);
  if (!timezone.includes("/")) throw problem(`${shown} is an abbreviation or legacy name, not an IANA Area/Location zone`);
  if (!IANAZone.isValidZone(timezone)) throw problem(`${shown} is not an IANA time zone`);
  const canonical = knownZones().find((z) => z.toLowerCase() === timezone.toLowerCase());
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
  if (canonical !== undefined && canonical !== timezone)
    throw problem(`${shown} is not spelled as IANA spells it (zone names are case-sensitive in Python)`);
  if (canonical === undefined && resolved.toLowerCase() === timezone.toLowerCase() && resolved !== timezone) {
    throw problem(`${shown} is not spelled as IANA spells it (zone names are case-sensitive in Python)`);
  }
  if (!timezone.split("/").every((part) => /^[A-Z]/.test(part))) {
    throw problem(`${shown} is not spelled as IANA spells it (zone names are case-sensitive in Python)`);
  }
  return IANAZone.create(timezone);
}
