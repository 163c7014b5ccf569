import {
  chartContextFromArtifacts,
  chartContextFromProducts,
  parseWorkloadSize,
  type CompiledArtifacts,
  type WorkloadSize,
} from "floe-core";
import { dagsterPackageName } from "./dagster-names.js";
import { DEFINITIONS_MODULE } from "./render-code-location.js";
import { dagsterResourceRequirements } from "./resource-presets.js";

/** A Dagster code location name (the chart's schema allows [A-Za-z0-9_.-], not starting with . or -). */
function codeLocationName(productName: string): string {
  const name = productName.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[.-]+/, "");
  return name === "" ? "floe" : name;
}

/** The chart's code location entry for a product: its name and the module `floe generate` writes. */
function codeLocationOf(artifacts: CompiledArtifacts): { name: string; module: string } {
  return {
    name: codeLocationName(artifacts.metadata.product_name),
    module: `${dagsterPackageName(artifacts)}.${DEFINITIONS_MODULE}`,
  };
}

/**
 * Values for charts/floe-dagster; they validate against the chart's values.schema.json. Resources come
 * from the size's presets; labels, the code location (its name, and the module `floe generate` writes:
 * `<dagsterPackageName>.definitions`) and lineage settings from the artifacts. Several products (one
 * output of `floe generate a.json b.json …`) fill `userCode.codeLocations`, one gRPC server each, with
 * the labels and lineage settings they all agree on; one product keeps the one-location form
 * `userCode.codeLocation`. Secrets never appear here: the chart takes them by reference.
 */
export function buildDagsterHelmValues(
  options: { size?: WorkloadSize; artifacts?: CompiledArtifacts; products?: ReadonlyArray<CompiledArtifacts> } = {},
): Record<string, unknown> {
  const resources = dagsterResourceRequirements(parseWorkloadSize(options.size ?? "small"));
  const products = options.products && options.products.length > 1 ? options.products : undefined;
  const single = products ? undefined : (options.products?.[0] ?? options.artifacts);
  const context = products ? chartContextFromProducts(products) : chartContextFromArtifacts(single);
  const values: Record<string, unknown> = {};
  if (Object.keys(context.labels).length > 0) values.commonLabels = context.labels;
  if (context.env.length > 0) values.env = context.env;
  values.webserver = { resources: resources.webserver };
  values.daemon = { resources: resources.daemon };
  values.userCode = {
    ...(products ? { codeLocations: products.map(codeLocationOf) } : single ? { codeLocation: codeLocationOf(single) } : {}),
    resources: resources.userCode,
  };
  return values;
}
