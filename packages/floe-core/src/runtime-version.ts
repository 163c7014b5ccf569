/**
 * floe-runtime, the Python package (python/floe-runtime) that the generated Dagster and Airflow code
 * imports. It is on no package index: `floe generate` writes its wheel into the output
 * (FLOE_RUNTIME_WHEEL_PATH) and the generated requirements name that file by a relative path, so pip
 * never looks the name up on an index (where anyone could claim it).
 */
export const FLOE_RUNTIME_VERSION = "0.1.0";

/** Where the wheel lands in an output: `wheels/floe_runtime-<version>-py3-none-any.whl`. */
export const FLOE_RUNTIME_WHEEL_PATH = `wheels/floe_runtime-${FLOE_RUNTIME_VERSION}-py3-none-any.whl`;

/**
 * The requirements.txt line for the shipped wheel, with the extra that brings a plugin's optional
 * lineage dependency: `./wheels/floe_runtime-0.1.0-py3-none-any.whl[dagster]`. pip resolves it against
 * its working directory: run `pip install -r requirements.txt` in the output (the Dockerfiles' WORKDIR).
 */
export function floeRuntimeRequirement(extra?: "dagster" | "airflow"): string {
  return `./${FLOE_RUNTIME_WHEEL_PATH}${extra ? `[${extra}]` : ""}`;
}
