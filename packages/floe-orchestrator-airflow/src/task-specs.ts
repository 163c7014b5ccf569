import {
  TransformConfigSchema,
  checkDbtModelNames,
  checkTransformGraph,
  safeName,
  type ModelRunSettings,
  type SafeNameRules,
  type TransformConfig,
  type TransformConfigInput,
} from "floe-core";

/** Airflow's rule for task and DAG ids (`KEY_REGEX`, at most 250 characters), kept to ASCII. */
export const AIRFLOW_ID_RULES: SafeNameRules = { allowed: /[A-Za-z0-9_.-]/, maxLength: 250 };

/** One Airflow task: runs dbt for one model after the tasks of the models it depends on. */
export interface AirflowTaskSpec {
  /** Valid Airflow task id; the model name itself when it is one, else a sanitised form with a hash. */
  taskId: string;
  /** The dbt model name, exactly as in the artifacts. */
  model: string;
  /** Task ids of the upstream tasks (the model's depends_on that are in the same DAG), deduplicated. */
  upstream: string[];
  tags: string[];
  description: string | null;
  materialization: string | null;
  /** The model's run settings from dbt meta `floe` (retries, retry delay, pool, timeout, retry_test_failures); null when it sets none. */
  runSettings: ModelRunSettings | null;
}

/** A valid, unique and stable Airflow task id for a model name. */
export function airflowTaskId(model: string): string {
  return safeName(model, AIRFLOW_ID_RULES);
}

/** Transforms parsed and checked once, ready to become the tasks of any number of DAGs. */
export interface CheckedTransforms {
  readonly transforms: ReadonlyArray<TransformConfig>;
}

/**
 * Parses and checks transforms once: the names first (each must be a name dbt's `--select` matches
 * on its own), then the graph (duplicates, dangling references, cycles).
 */
export function checkTransforms(transforms: ReadonlyArray<TransformConfigInput>, where = "transforms"): CheckedTransforms {
  const parsed = transforms.map((t) => TransformConfigSchema.parse(t));
  checkDbtModelNames(
    parsed.map((t, i) => ({ name: t.name, path: t.path, unique_id: (transforms[i] as { unique_id?: string | null }).unique_id })),
    where,
  );
  checkTransformGraph(parsed, where);
  return { transforms: parsed };
}

/**
 * The task specs of checked transforms (input order kept); with `selection`, only those models
 * become tasks and edges to models outside the selection are dropped. No parsing: call per DAG.
 */
export function taskSpecsFor(checked: CheckedTransforms, selection?: ReadonlySet<string>): AirflowTaskSpec[] {
  const selected = selection ? checked.transforms.filter((t) => selection.has(t.name)) : checked.transforms;
  const inDag = new Set(selected.map((t) => t.name));
  return selected.map((t) => ({
    taskId: airflowTaskId(t.name),
    model: t.name,
    upstream: [...new Set(t.depends_on.filter((dep) => inDag.has(dep)))].map(airflowTaskId),
    tags: t.tags,
    description: t.description ?? null,
    materialization: t.materialization ?? null,
    runSettings: t.run_settings ?? null,
  }));
}

/** One task spec per transform (input order kept): checkTransforms, then taskSpecsFor. */
export function createTaskSpecs(
  transforms: ReadonlyArray<TransformConfigInput>,
  options: { selection?: ReadonlySet<string>; where?: string } = {},
): AirflowTaskSpec[] {
  return taskSpecsFor(checkTransforms(transforms, options.where ?? "transforms"), options.selection);
}
