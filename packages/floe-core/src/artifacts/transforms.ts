import type { CompiledArtifacts } from "./compiled-artifacts.js";
import type { TransformConfig } from "../contracts.js";
import { FloeError } from "../errors.js";
import { checkDbtModelNames } from "../dbt/dbt-selector.js";

/**
 * The artifacts' models as the plugin-facing TransformConfig list (input order kept). Refuses
 * (FLOE_ARTIFACTS_INVALID) artifacts without models, which neither orchestrator can run (floe's
 * Python compiler omits `transforms` in documents of a product without dbt models), and a model name
 * that dbt's `--select` would not match on its own.
 */
export function transformsFromArtifacts(artifacts: CompiledArtifacts): TransformConfig[] {
  const models = artifacts.transforms?.models ?? [];
  if (models.length === 0) {
    throw new FloeError("FLOE_ARTIFACTS_INVALID", `the artifacts have no models to orchestrate (${artifacts.transforms ? "transforms.models is empty" : "no transforms"})`, {
      path: "transforms.models",
      hint: "compile the product with at least one dbt model, e.g. `floe artifacts from-dbt target/manifest.json`",
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
    { name: artifacts.metadata.product_name, description: `every model of ${artifacts.metadata.product_name}`, models: all, isDefault: true },
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
