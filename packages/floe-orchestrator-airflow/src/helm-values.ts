import {
  chartContextFromArtifacts,
  chartContextFromProducts,
  parseWorkloadSize,
  type CompiledArtifacts,
  type WorkloadSize,
} from "floe-core";
import { airflowResourceRequirements } from "./resource-presets.js";

/**
 * Values for charts/floe-airflow; they validate against the chart's values.schema.json. Resources come
 * from the size's presets; labels and lineage settings from the artifacts. Secrets never appear here:
 * the chart takes them by reference.
 */
export function buildAirflowHelmValues(
  options: { size?: WorkloadSize; artifacts?: CompiledArtifacts; products?: ReadonlyArray<CompiledArtifacts> } = {},
): Record<string, unknown> {
  const resources = airflowResourceRequirements(parseWorkloadSize(options.size ?? "small"));
  // Several products in one release: only what they all agree on.
  const context = options.products ? chartContextFromProducts(options.products) : chartContextFromArtifacts(options.artifacts);
  const values: Record<string, unknown> = {};
  if (Object.keys(context.labels).length > 0) values.commonLabels = context.labels;
  if (context.env.length > 0) values.env = context.env;
  values.apiServer = { resources: resources.apiServer };
  values.scheduler = { resources: resources.scheduler };
  values.dagProcessor = { resources: resources.dagProcessor };
  values.triggerer = { resources: resources.triggerer };
  values.workers = { resources: resources.workers };
  return values;
}
