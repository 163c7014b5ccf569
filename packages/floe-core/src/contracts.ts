/** The value types the orchestrator-plugin contract speaks in. */
import { z } from "zod";
import { ModelRunSettingsSchema } from "./artifacts/compiled-artifacts.js";

export const TransformConfigSchema = z.object({
  name: z.string().min(1),
  path: z.string().default(""),
  schema_name: z.string().nullish(),
  materialization: z.string().nullish(),
  tags: z.array(z.string()).default([]),
  depends_on: z.array(z.string().min(1)).default([]),
  meta: z.record(z.string(), z.unknown()).default({}),
  compute: z.string().nullish(),
  description: z.string().nullish(),
  /** dbt unique_id (`model.<pkg>.<name>`, `snapshot.<pkg>.<name>`, `model.<pkg>.<name>.v2`) when the artifacts carry it. */
  unique_id: z.string().nullish(),
  /** Per-model run settings (retries, retry delay, pool, timeout, retry_test_failures) when the artifacts carry them. */
  run_settings: ModelRunSettingsSchema.nullish(),
});
export type TransformConfig = z.infer<typeof TransformConfigSchema>;
export type TransformConfigInput = z.input<typeof TransformConfigSchema>;

export const ValidationResultSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  errors: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const WorkloadSizeSchema = z.enum(["small", "medium", "large"]);
export type WorkloadSize = z.infer<typeof WorkloadSizeSchema>;

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/, "must be a Kubernetes quantity like 500m or 1Gi");
export const ResourceQuantitiesSchema = z.object({ cpu: quantity, memory: quantity });
export const ComponentResourcesSchema = z.object({
  requests: ResourceQuantitiesSchema,
  limits: ResourceQuantitiesSchema,
});
/** CPU/memory requests and limits per deployed component (keys are the chart's component names). */
export const ResourceSpecSchema = z.record(z.string(), ComponentResourcesSchema);
export type ComponentResources = z.infer<typeof ComponentResourcesSchema>;
export type ResourceSpec = z.infer<typeof ResourceSpecSchema>;

export const DatasetSchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: z.record(z.string(), z.unknown()).default({}),
});
export type Dataset = z.infer<typeof DatasetSchema>;
export type DatasetInput = z.input<typeof DatasetSchema>;

export const LineageEventTypeSchema = z.enum(["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]);
export type LineageEventType = z.infer<typeof LineageEventTypeSchema>;

/** A file a plugin renders, relative to the output directory. */
export interface GeneratedFile {
  path: string;
  content: string;
}
