import { scaleResources, type ResourceSpec, type SmallPreset, type WorkloadSize } from "floe-core";

/** Small-size requests per chart component; medium and large scale from these (floe-core scaleResources). */
export const DAGSTER_SMALL_PRESET: SmallPreset = {
  webserver: { cpuMillis: 250, memoryMi: 512 },
  daemon: { cpuMillis: 250, memoryMi: 512 },
  userCode: { cpuMillis: 500, memoryMi: 1024 },
};

/** CPU/memory per Dagster component for a workload size; an unknown size is FLOE_SIZE_INVALID. */
export function dagsterResourceRequirements(size: WorkloadSize): ResourceSpec {
  return scaleResources(DAGSTER_SMALL_PRESET, size);
}
