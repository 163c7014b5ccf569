import { notImplemented, type CompiledArtifacts, type WorkloadSize } from "floe-core";

/** Values for charts/floe-airflow; they validate against the chart's values.schema.json. */
export function buildAirflowHelmValues(_options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
  throw notImplemented("AirflowPlugin.getHelmValues");
}
