/** What a plugin's chart values may take from CompiledArtifacts: labels and non-secret environment, never credentials. */
import type { CompiledArtifacts } from "./artifacts/compiled-artifacts.js";
import { credentialFreeUrl } from "./redact.js";

export interface ChartEnvVar {
  name: string;
  value: string;
}

export interface ChartContext {
  /** Kubernetes labels naming the data product (values are valid label values). */
  labels: Record<string, string>;
  /** OpenLineage settings for the pods that run dbt. */
  env: ChartEnvVar[];
}

/** A Kubernetes label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function toLabelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/[^A-Za-z0-9]+$/, "");
}

/** The endpoint without user info, query or fragment: those can carry credentials. */
function redactEndpoint(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return credentialFreeUrl(endpoint);
}

export function chartContextFromArtifacts(artifacts: CompiledArtifacts | undefined): ChartContext {
  if (!artifacts) return { labels: {}, env: [] };
  const labels: Record<string, string> = {};
  const product = toLabelValue(artifacts.metadata.product_name);
  if (product) labels["floe.dev/product"] = product;
  const version = toLabelValue(artifacts.metadata.product_version);
  if (version) labels["floe.dev/product-version"] = version;
  const domain = toLabelValue(artifacts.identity.domain);
  if (domain) labels["floe.dev/domain"] = domain;

  const env: ChartEnvVar[] = [];
  const observability = artifacts.observability;
  if (!observability.lineage || observability.lineage_transport === "noop") {
    env.push({ name: "OPENLINEAGE_DISABLED", value: "true" });
  } else {
    const endpoint = observability.lineage_endpoint ? redactEndpoint(observability.lineage_endpoint) : undefined;
    if (endpoint && observability.lineage_transport !== "console") env.push({ name: "OPENLINEAGE_URL", value: endpoint });
    env.push({ name: "OPENLINEAGE_NAMESPACE", value: observability.lineage_namespace ?? artifacts.metadata.product_name });
  }
  return { labels, env };
}

/**
 * The chart context of several products in one release: the labels and environment every product
 * agrees on (a label or variable that differs between products is left out: one release, one value).
 */
export function chartContextFromProducts(products: ReadonlyArray<CompiledArtifacts>): ChartContext {
  const contexts = products.map((p) => chartContextFromArtifacts(p));
  if (contexts.length === 0) return { labels: {}, env: [] };
  const [first, ...rest] = contexts as [ChartContext, ...ChartContext[]];
  const labels = Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => rest.every((c) => c.labels[k] === v)));
  const env = first.env.filter((e) => rest.every((c) => c.env.some((o) => o.name === e.name && o.value === e.value)));
  return { labels, env };
}
