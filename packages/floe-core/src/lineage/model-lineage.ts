/**
 * What the generated pipelines put into their runtime lineage events: for each model of the artifacts,
 * the datasets it reads (its upstream models) and writes (its own table), named for the artifacts'
 * warehouse by `modelDataset`. Computed at generate time; the plugins write the names as literals.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { modelDataset, type DatasetName } from "./dataset-naming.js";

export interface ModelLineage {
  inputs: DatasetName[];
  outputs: DatasetName[];
}

/** model name -> its input and output datasets; empty lists when the artifacts name no warehouse. */
export function modelLineage(artifacts: CompiledArtifacts): Record<string, ModelLineage> {
  const models = artifacts.transforms?.models ?? [];
  const byName = new Map(models.map((m) => [m.name, m]));
  const datasetOf = (model: { name: string; schema_name?: string | null }): DatasetName[] => {
    try {
      return [modelDataset(artifacts, model)];
    } catch {
      // No warehouse to name the table after: the events still carry run, job and parent.
      return [];
    }
  };
  const result: Record<string, ModelLineage> = {};
  for (const model of models) {
    const inputs = [...new Set(model.depends_on ?? [])].flatMap((dep) => {
      const upstream = byName.get(dep);
      return upstream ? datasetOf(upstream) : [];
    });
    result[model.name] = { inputs, outputs: datasetOf(model) };
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
  if (!endpoint) return null;
  try {
    const url = new URL(endpoint);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return null;
  }
}
