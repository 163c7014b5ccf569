/**
 * What floe may show of a value a user gave it: URLs without credentials, query or fragment, and any
 * input cut to a length a terminal line can hold. Every message that echoes user input goes through here.
 */
import { oneLine } from "./errors.js";

/** Longest string argument or option value floe accepts; longer ones are refused before any work. */
export const MAX_INPUT_LENGTH = 4096;
/** Longest piece of user input echoed in a message. */
export const MAX_SHOWN_LENGTH = 120;

/**
 * The URL without `user:password@`, query and fragment (tokens travel in both): `?…` and `#…`
 * become `?…` / `#…` markers so the reader sees something was there. Works on text that does not
 * parse as a URL too, since a mistyped URL still carries its secrets.
 */
export function redactUrl(url: string): string {
  let shown: string;
  try {
    const parsed = new URL(url);
    const hadQuery = parsed.search !== "" || url.includes("?");
    const hadHash = parsed.hash !== "" || url.includes("#");
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    shown = parsed.toString().replace(/\/$/, "") + (hadQuery ? "?…" : "") + (hadHash ? "#…" : "");
  } catch {
    const cut = url.search(/[?#]/);
    const head = cut < 0 ? url : url.slice(0, cut);
    // Anything between the scheme (or the start) and the last "@" of the authority is userinfo.
    shown = head.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ""}…@`) + (cut < 0 ? "" : `${url[cut]}…`);
  }
  return shortInput(shown);
}

/** One line of at most `max` characters; longer text keeps its start and says how long it was. */
export function shortInput(value: string, max = MAX_SHOWN_LENGTH): string {
  const text = value.length > max ? `${value.slice(0, max)}…(${value.length} characters)` : value;
  return oneLine(text);
}

/** A user value quoted for a message: JSON-quoted, on one line, cut to `max` characters. */
export function quoteInput(value: string, max = MAX_SHOWN_LENGTH): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max))}…(${value.length} characters)`;
}
