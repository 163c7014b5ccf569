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
  const bare = credentialFreeUrl(url);
  if (bare !== undefined) {
    shown = bare + (url.includes("?") ? "?…" : "") + (url.includes("#") ? "#…" : "");
  } else {
    const cut = url.search(/[?#]/);
    const head = cut < 0 ? url : url.slice(0, cut);
    // Anything between the scheme (or the start) and the last "@" may be userinfo, "/" in a password included.
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(head)?.[0] ?? "";
    const at = head.lastIndexOf("@");
    shown = (at < 0 ? head : `${scheme}…${head.slice(at)}`) + (cut < 0 ? "" : `${url[cut]}…`);
  }
  return shortInput(shown);
}

/**
 * The URL as generated code and chart values may carry it: scheme, host, port and path, without
 * userinfo, query or fragment (credentials belong in OPENLINEAGE_API_KEY and the like); undefined when
 * `url` is not a URL.
 */
export function credentialFreeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString().replace(/\/$/, "");
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
