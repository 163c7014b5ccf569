/** Resource presets: one table of small-size requests per component, scaled for medium and large. */
import type { ComponentResources, ResourceSpec, WorkloadSize } from "./contracts.js";
import { WorkloadSizeSchema } from "./contracts.js";
import { FloeError } from "./errors.js";

/** Requests for the small size: CPU in millicores, memory in MiB. */
export type SmallPreset = Record<string, { cpuMillis: number; memoryMi: number }>;

const SCALE: Record<WorkloadSize, number> = { small: 1, medium: 2, large: 4 };
/** Limits are this multiple of requests: room for bursts without overcommitting a node badly. */
const LIMIT_FACTOR = 2;

function cpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}
function memory(mi: number): string {
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

export function parseWorkloadSize(value: unknown, field = "size"): WorkloadSize {
  const parsed = WorkloadSizeSchema.safeParse(value);
  if (!parsed.success) {
    throw new FloeError("FLOE_SIZE_INVALID", `size ${JSON.stringify(value)} is not one of small, medium, large`, {
      path: field,
      hint: "use small (the default), medium or large",
    });
  }
  return parsed.data;
}

/** Scales a small-size preset to `size`; requests always stay at or below limits. */
export function scaleResources(preset: SmallPreset, size: WorkloadSize): ResourceSpec {
  const factor = SCALE[parseWorkloadSize(size)];
  const spec: ResourceSpec = {};
  for (const [component, base] of Object.entries(preset)) {
    const resources: ComponentResources = {
      requests: { cpu: cpu(base.cpuMillis * factor), memory: memory(base.memoryMi * factor) },
      limits: { cpu: cpu(base.cpuMillis * factor * LIMIT_FACTOR), memory: memory(base.memoryMi * factor * LIMIT_FACTOR) },
    };
    spec[component] = resources;
  }
  return spec;
}
