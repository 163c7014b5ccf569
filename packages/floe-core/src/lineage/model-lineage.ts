/**
 * What the generated pipelines put into their runtime lineage events: for each model of the artifacts,
 * the datasets it reads (its upstream models, and the dbt sources of the `sources` extension) and writes
 * (its own table), named for the artifacts' warehouse by `modelDataset`. Computed at generate time; the
 * plugins write the names as literals.
 */
import type { CompiledArtifacts, SourceRef } from "../artifacts/compiled-artifacts.js";
import { lineageBaseUrl } from "./lineage-endpoint.js";
import {
  activeWarehouseProfile,
  profileModelDataset,
  warehouseDataset,
  type DatasetName,
  type WarehouseProfile,
} from "./dataset-naming.js";
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
  const sourceInputs = new Map<string, DatasetName[]>();
  if (profile && models.length > 0) {
    try {
      for (const model of models) {
        datasets.set(model.name, [
          profileModelDataset(profile, { name: model.alias ?? model.name, schema_name: model.schema_name ?? null }),
        ]);
        if (model.sources?.length)
          sourceInputs.set(
            model.name,
            model.sources.map((s) => sourceDataset(profile, s)),
          );
      }
    } catch {
      // A warehouse type without OpenLineage naming: it fails for every model alike.
      datasets.clear();
      sourceInputs.clear();
    }
  }
  const result: Record<string, ModelLineage> = {};
  for (const model of models) {
    const inputs = [...new Set(model.depends_on ?? [])].flatMap((dep) => datasets.get(dep) ?? []);
    for (const source of sourceInputs.get(model.name) ?? []) {
      if (!inputs.some((d) => d.namespace === source.namespace && d.name === source.name)) inputs.push(source);
    }
    result[model.name] = { inputs, outputs: datasets.get(model.name) ?? [] };
  }
  return result;
}

/**
 * A dbt source's table in the warehouse of `profile`: its identifier (else name) in its schema. Its
 * database replaces the profile's, except for DuckDB, where the file the profile names at run time is
 * the database (as for models; a manifest's database is the parse-time file's).
 */
export function sourceDataset(profile: WarehouseProfile, source: SourceRef): DatasetName {
  const schema = source.schema ?? (typeof profile.schema === "string" ? profile.schema : "main");
  const database = source.database;
  const located =
    database && profile.type.toLowerCase() !== "duckdb" ? { ...profile, database, dbname: database, project: database } : profile;
  return warehouseDataset(located, schema, source.identifier ?? source.name);
}

/** The same as `[namespace, name]` pairs, the shape the generated Python keeps them in. */
export function modelLineagePairs(artifacts: CompiledArtifacts): Record<string, [Array<[string, string]>, Array<[string, string]>]> {
  const pairs = (list: DatasetName[]): Array<[string, string]> => list.map((d) => [d.namespace, d.name]);
  return Object.fromEntries(Object.entries(modelLineage(artifacts)).map(([name, l]) => [name, [pairs(l.inputs), pairs(l.outputs)]]));
}

/**
 * The lineage endpoint as it may be written into generated files: the base URL (`/api/v1/lineage`
 * removed, which the runtimes' OpenLineage clients append), credentials, query and fragment removed
 * (they come from the environment at run time, never from a file). An endpoint that is not a URL is
 * left out entirely rather than written as is.
 */
export function shareableLineageEndpoint(endpoint: string | null | undefined): string | null {
  const bare = endpoint ? credentialFreeUrl(endpoint) : undefined;
  return bare === undefined ? null : lineageBaseUrl(bare);
}
