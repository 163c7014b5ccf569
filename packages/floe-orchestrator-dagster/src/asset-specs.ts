import type { ModelRunSettings, PyValue, TransformConfig } from "floe-core";
import { dagsterName, isValidTagKey } from "./dagster-names.js";

/** One Dagster asset for one transform, as the generated code declares it and Dagster reports it. */
export interface DagsterAssetSpec {
  /** Asset key path (one part: the transform's name, made a valid Dagster name). */
  key: string[];
  /** Keys of the assets this one depends on. */
  deps: string[][];
  group: string;
  /** dbt tags that are valid Dagster tag keys, with empty values (dagster-dbt's convention). */
  tags: Record<string, string>;
  metadata: Record<string, PyValue>;
  description: string | null;
  /** The dbt model (or seed) name, as `dbt --select` takes it. */
  model: string;
  uniqueId: string | null;
  /** The model's run settings from dbt meta `floe`; null when it sets none. */
  runSettings: ModelRunSettings | null;
}

/** Asset specs for transforms, in input order; deps follow `depends_on`. */
export function buildAssetSpecs(
  transforms: ReadonlyArray<TransformConfig & { unique_id?: string | null }>,
  group: string,
): DagsterAssetSpec[] {
  return transforms.map((t) => {
    const metadata: Record<string, PyValue> = { "floe/model": t.name };
    if (t.unique_id) metadata["floe/unique_id"] = t.unique_id;
    if (t.path) metadata["floe/path"] = t.path;
    if (t.materialization) metadata["floe/materialization"] = t.materialization;
    if (t.schema_name) metadata["floe/schema"] = t.schema_name;
    if (t.compute) metadata["floe/compute"] = t.compute;
    return {
      key: [dagsterName(t.name)],
      deps: t.depends_on.map((dep) => [dagsterName(dep)]),
      group,
      tags: Object.fromEntries(t.tags.filter(isValidTagKey).map((tag) => [tag, ""])),
      metadata,
      description: t.description ? t.description : null,
      model: t.name,
      uniqueId: t.unique_id ?? null,
      runSettings: t.run_settings ?? null,
    };
  });
}
