import { chartContextFromArtifacts, parseWorkloadSize, type CompiledArtifacts, type WorkloadSize } from "floe-core";
import { dagsterPackageName } from "./dagster-names.js";
import { DEFINITIONS_MODULE } from "./render-code-location.js";
import { dagsterResourceRequirements } from "./resource-presets.js";

/** A Dagster code location name (the chart's schema allows [A-Za-z0-9_.-], not starting with . or -). */
function codeLocationName(productName: string): string {
  const name = productName.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[.-]+/, "");
  return name === "" ? "floe" : name;
}

/**
 * Values for charts/floe-dagster; they validate against the chart's values.schema.json. Resources come
 * from the size's presets; labels, the code location (its name, and the module `floe generate` writes:
 * `<dagsterPackageName>.definitions`) and lineage settings from the artifacts.
 * Secrets never appear here: the chart takes them by reference.
 */
export function buildDagsterHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
  const resources = dagsterResourceRequirements(parseWorkloadSize(options.size ?? "small"));
  const context = chartContextFromArtifacts(options.artifacts);
  const values: Record<string, unknown> = {};
  if (Object.keys(context.labels).length > 0) values.commonLabels = context.labels;
  if (context.env.length > 0) values.env = context.env;
  values.webserver = { resources: resources.webserver };
  values.daemon = { resources: resources.daemon };
  values.userCode = {
    ...(options.artifacts
      ? {
          codeLocation: {
            name: codeLocationName(options.artifacts.metadata.product_name),
            module: `${dagsterPackageName(options.artifacts)}.${DEFINITIONS_MODULE}`,
          },
        }
      : {}),
    resources: resources.userCode,
  };
  return values;
}
