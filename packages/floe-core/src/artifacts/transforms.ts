import type { CompiledArtifacts } from "./compiled-artifacts.js";
import type { TransformConfig } from "../contracts.js";
import { FloeError } from "../errors.js";
import { checkDbtModelNames } from "../dbt/dbt-selector.js";

/**
 * The artifacts' models as the plugin-facing TransformConfig list (input order kept); empty for
 * artifacts without models (floe's Python compiler omits `transforms` for a product without dbt
 * models), which both plugins generate as an output that runs nothing (see `noModelsWarning`).
 * Refuses (FLOE_ARTIFACTS_INVALID) a schedule of such a product, which would run nothing on a
 * timetable, and a model name that dbt's `--select` would not match on its own.
 */
export function transformsFromArtifacts(artifacts: CompiledArtifacts): TransformConfig[] {
  const models = artifacts.transforms?.models ?? [];
  if (models.length === 0 && (artifacts.orchestration?.schedules ?? []).length > 0) {
    throw new FloeError("FLOE_ARTIFACTS_INVALID", "a schedule for a product with no models would run nothing", {
      path: "orchestration.schedules[0]",
      hint: "remove orchestration.schedules, or compile the product with at least one dbt model",
    });
  }
  checkDbtModelNames(models, "transforms.models");
  return models.map((model) => ({
    name: model.name,
    path: model.path ?? "",
    schema_name: model.schema_name ?? null,
    materialization: model.materialization ?? null,
    tags: model.tags ?? [],
    depends_on: model.depends_on ?? [],
    meta: model.meta ?? {},
    compute: model.compute,
    description: model.description ?? null,
    unique_id: model.unique_id ?? null,
    run_settings: model.run_settings ?? null,
  }));
}

export interface ResolvedJob {
  name: string;
  description: string | null;
  /** Model names the job runs, in the artifacts' order. */
  models: string[];
  /** True for the job floe adds for the whole product. */
  isDefault: boolean;
}

/**
 * The jobs to generate: the product's default job (every model, named after the product) plus
 * each named job of the `orchestration` extension with its selection resolved to model names.
 */
export function resolveJobs(artifacts: CompiledArtifacts): ResolvedJob[] {
  const models = artifacts.transforms?.models ?? [];
  const all = models.map((m) => m.name);
  const jobs: ResolvedJob[] = [
    {
      name: artifacts.metadata.product_name,
      description: `every model of ${artifacts.metadata.product_name}`,
      models: all,
      isDefault: true,
    },
  ];
  (artifacts.orchestration?.jobs ?? []).forEach((job, i) => {
    if (job.name === artifacts.metadata.product_name) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `job "${job.name}" has the product's name, which the default job uses`, {
        path: `orchestration.jobs[${i}].name`,
        hint: "rename the job",
      });
    }
    const byName = new Set(job.select?.models ?? []);
    const byTag = new Set(job.select?.tags ?? []);
    const selectsAll = !job.select || (job.select.models == null && job.select.tags == null);
    const selected = selectsAll
      ? all
      : models.filter((m) => byName.has(m.name) || (m.tags ?? []).some((t) => byTag.has(t))).map((m) => m.name);
    jobs.push({ name: job.name, description: job.description ?? null, models: selected, isDefault: false });
  });
  return jobs;
}

/**
 * The one warning both plugins report (OrchestratorDefinitions.warnings, and `floe generate` on
 * stderr) for artifacts without models; none when they hold models. `output` names what is generated.
 */
export function noModelsWarnings(artifacts: CompiledArtifacts, output: string): string[] {
  if ((artifacts.transforms?.models ?? []).length > 0) return [];
  return [
    `the artifacts of product ${JSON.stringify(artifacts.metadata.product_name)} have no models: the generated ${output} runs nothing`,
  ];
}
