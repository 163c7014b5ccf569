import { scaleResources, type ResourceSpec, type SmallPreset, type WorkloadSize } from "floe-core";

/** Small-size requests per chart component; medium and large scale from these (floe-core scaleResources). */
export const AIRFLOW_SMALL_PRESET: SmallPreset = {
  apiServer: { cpuMillis: 250, memoryMi: 768 },
  scheduler: { cpuMillis: 500, memoryMi: 1024 },
  dagProcessor: { cpuMillis: 250, memoryMi: 768 },
  triggerer: { cpuMillis: 100, memoryMi: 512 },
  workers: { cpuMillis: 500, memoryMi: 1024 },
};

/** CPU/memory per Airflow component for a workload size; an unknown size is FLOE_SIZE_INVALID. */
export function airflowResourceRequirements(size: WorkloadSize): ResourceSpec {
  return scaleResources(AIRFLOW_SMALL_PRESET, size);
}
