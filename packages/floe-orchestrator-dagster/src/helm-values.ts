import { notImplemented, type CompiledArtifacts, type WorkloadSize } from "floe-core";

/** Values for charts/floe-dagster; they validate against the chart's values.schema.json. */
export function buildDagsterHelmValues(_options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
  throw notImplemented("DagsterPlugin.getHelmValues");
}
