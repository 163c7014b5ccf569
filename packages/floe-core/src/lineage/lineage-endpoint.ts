/**
 * One reading of a lineage endpoint for the CLI's transport and both plugins' runtimes: floe's Python
 * compiler writes the full endpoint (`http://host:5000/api/v1/lineage`) into `lineage_endpoint`, while
 * OpenLineage clients want the base URL and append `api/v1/lineage` themselves.
 */

/** The path OpenLineage HTTP clients append to the base URL by default. */
export const OPENLINEAGE_API_PATH = "/api/v1/lineage";

/**
 * The base URL of a lineage endpoint given with or without the `/api/v1/lineage` suffix
 * (`http://h:5000/api/v1/lineage/` and `http://h:5000` both give `http://h:5000`; a prefix such as
 * `/marquez` is kept). Anything that is not an absolute URL is returned unchanged for the caller to refuse.
 */
export function lineageBaseUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.toLowerCase().endsWith(OPENLINEAGE_API_PATH)) return endpoint;
  url.pathname = path.slice(0, path.length - OPENLINEAGE_API_PATH.length) || "/";
  const text = url.toString();
  return url.pathname === "/" && url.search === "" && url.hash === "" ? text.replace(/\/$/, "") : text;
}
