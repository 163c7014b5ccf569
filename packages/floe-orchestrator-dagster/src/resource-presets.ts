import { notImplemented, type ResourceSpec, type WorkloadSize } from "floe-core";

/** CPU/memory per Dagster component for a workload size. */
export function dagsterResourceRequirements(_size: WorkloadSize): ResourceSpec {
  throw notImplemented("DagsterPlugin.getResourceRequirements");
}
