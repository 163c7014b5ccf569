/**
 * What the generated pipelines put into their runtime lineage events: for each model of the artifacts,
 * the datasets it reads (its upstream models) and writes (its own table), named for the artifacts'
 * warehouse by `modelDataset`. Computed at generate time; the plugins write the names as literals.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { activeWarehouseProfile, profileModelDataset, type DatasetName } from "./dataset-naming.js";
import { credentialFreeUrl } from "../redact.js";

export interface ModelLineage {
  inputs: DatasetName[];
  outputs: DatasetName[];
}

/**
 * model name -> its input and output datasets; empty lists when the artifacts name no warehouse, or one
 * floe has no OpenLineage naming for (the events still carry run, job and parent). Linear: the profile
 * is resolved once and each model's dataset named once.
 */
export function modelLineage(artifacts: CompiledArtifacts): Record<string, ModelLineage> {
  const models = artifacts.transforms?.models ?? [];
  const profile = activeWarehouseProfile(artifacts);
  const datasets = new Map<string, DatasetName[]>();
  if (profile && models.length > 0) {
    try {
      for (const model of models) datasets.set(model.name, [profileModelDataset(profile, model)]);
    } catch {
      // A warehouse type without OpenLineage naming: it fails for every model alike.
      datasets.clear();
    }
  }
  const result: Record<string, ModelLineage> = {};
  for (const model of models) {
    const inputs = [...new Set(model.depends_on ?? [])].flatMap((dep) => datasets.get(dep) ?? []);
    result[model.name] = { inputs, outputs: datasets.get(model.name) ?? [] };
  }
  return result;
}

/** The same as `[namespace, name]` pairs, the shape the generated Python keeps them in. */
export function modelLineagePairs(artifacts: CompiledArtifacts): Record<string, [Array<[string, string]>, Array<[string, string]>]> {
  const pairs = (list: DatasetName[]): Array<[string, string]> => list.map((d) => [d.namespace, d.name]);
  return Object.fromEntries(Object.entries(modelLineage(artifacts)).map(([name, l]) => [name, [pairs(l.inputs), pairs(l.outputs)]]));
}

/**
 * The lineage endpoint as it may be written into generated files: credentials, query and fragment
 * removed (they come from the environment at run time, never from a file). An endpoint that is not a
 * URL is left out entirely rather than written as is.
 */
export function shareableLineageEndpoint(endpoint: string | null | undefined): string | null {
  return endpoint ? (credentialFreeUrl(endpoint) ?? null) : null;
}
