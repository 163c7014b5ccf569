/**
 * floe-runtime, the Python package (python/floe-runtime) that the generated Dagster and Airflow code
 * imports, and the requirement line that pins it in generated requirements.
 */
export const FLOE_RUNTIME_VERSION = "0.1.0";

/** `floe-runtime==<version>`, with the extra that brings a plugin's optional lineage dependency. */
export function floeRuntimeRequirement(extra?: "dagster" | "airflow"): string {
  return `floe-runtime${extra ? `[${extra}]` : ""}==${FLOE_RUNTIME_VERSION}`;
}
