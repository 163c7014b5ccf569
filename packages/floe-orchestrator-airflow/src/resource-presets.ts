import { notImplemented, type ResourceSpec, type WorkloadSize } from "floe-core";

/** CPU/memory per Airflow component for a workload size. */
export function airflowResourceRequirements(_size: WorkloadSize): ResourceSpec {
  throw notImplemented("AirflowPlugin.getResourceRequirements");
}
