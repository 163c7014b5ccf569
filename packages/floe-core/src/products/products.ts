/**
 * Several products in one output (`floe generate a.json b.json …`) and the data-triggered runs
 * between them (`orchestration.consumes`): the checks and building blocks both plugins share.
 *
 * floe never renames an id to make products fit together: a job, DAG, asset key or schedule keeps
 * the name it has in the product's own output (run history, `floe run --job`, sensors and
 * dashboards keep working when products move into one deployment). Two products whose ids would
 * collide are refused (FLOE_ARTIFACTS_INVALID, exit 2) naming both products.
 */
import type { ValidatedArtifacts } from "../artifacts/parse-artifacts.js";
import type { GeneratedFile } from "../contracts.js";
import { FloeError, isFloeError } from "../errors.js";
import type { PlanSummary } from "../plan/plan.js";

/** One product of a several-product output, with the dbt project its code runs (as the generated files name it). */
export interface ProductInput {
  artifacts: ValidatedArtifacts;
  dbtProjectDir?: string;
}

/** A resolved `orchestration.consumes` entry: the product and the models whose updates trigger the consumer. */
export interface ProductTrigger {
  product: string;
  models: string[];
}

const q = (value: string) => JSON.stringify(value);

/**
 * Checks the products of one output together and resolves each product's triggers (product name ->
 * what it consumes; products consuming nothing are absent). Refuses (FLOE_ARTIFACTS_INVALID) two
 * products of one name, a consumed product not in `products` or a model it does not have, a product
 * consuming itself or in a loop of triggers, a consumer without models, and a consumer whose
 * default job also has a schedule or whose models are partitioned. `labels` (e.g. the artifacts
 * files) prefix the error's path; without them the path names the product.
 */
export function checkProducts(products: ReadonlyArray<ValidatedArtifacts>, labels?: ReadonlyArray<string>): Map<string, ProductTrigger[]> {
  const label = (i: number) => labels?.[i] ?? `product ${q(products[i]!.metadata.product_name)}`;
  const byName = new Map<string, number>();
  products.forEach((a, i) => {
    const name = a.metadata.product_name;
    const first = byName.get(name);
    if (first !== undefined) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(name)} is also the product of ${label(first)}`, {
        path: `${label(i)}: metadata.product_name`,
        hint: "each product of one output needs its own name",
      });
    }
    byName.set(name, i);
  });
  const triggers = new Map<string, ProductTrigger[]>();
  products.forEach((a, i) => {
    const consumes = a.orchestration?.consumes ?? [];
    if (consumes.length === 0) return;
    const name = a.metadata.product_name;
    const at = (path: string) => `${label(i)}: orchestration.${path}`;
    if ((a.transforms?.models ?? []).length === 0) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(name)} consumes other products but has no models to run`, {
        path: at("consumes"),
        hint: "remove orchestration.consumes, or compile the product with at least one dbt model",
      });
    }
    const scheduled = (a.orchestration?.schedules ?? []).findIndex((s) => s.job === name);
    if (scheduled >= 0) {
      throw new FloeError(
        "FLOE_ARTIFACTS_INVALID",
        `product ${q(name)} runs when the products it consumes update, and has a schedule too`,
        {
          path: at(`schedules[${scheduled}].job`),
          hint: "drop the default job's schedule, or orchestration.consumes",
        },
      );
    }
    if (a.orchestration?.partitioning) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(name)} is partitioned, so updates of other products cannot trigger it`, {
        path: at("consumes"),
        hint: "drop orchestration.partitioning or orchestration.consumes",
      });
    }
    const resolved: ProductTrigger[] = [];
    consumes.forEach((c, k) => {
      if (c.product === name) {
        throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(name)} consumes itself`, {
          path: at(`consumes[${k}].product`),
          hint: "name another product",
        });
      }
      const j = byName.get(c.product);
      if (j === undefined) {
        throw new FloeError("FLOE_ARTIFACTS_INVALID", `consumed product ${q(c.product)} is not generated in this output`, {
          path: at(`consumes[${k}].product`),
          hint: `generate it together: floe generate <its artifacts.json> <this one> …${byName.size > 1 ? ` (products here: ${[...byName.keys()].map(q).join(", ")})` : ""}`,
        });
      }
      if (resolved.some((r) => r.product === c.product)) {
        throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(c.product)} is consumed twice`, {
          path: at(`consumes[${k}].product`),
          hint: "list all its models in one entry",
        });
      }
      const models = new Set((products[j]!.transforms?.models ?? []).map((m) => m.name));
      c.models.forEach((m, n) => {
        if (!models.has(m)) {
          throw new FloeError("FLOE_ARTIFACTS_INVALID", `product ${q(c.product)} has no model ${q(m)}`, {
            path: at(`consumes[${k}].models[${n}]`),
            hint: `name one of its ${models.size} models`,
          });
        }
      });
      resolved.push({ product: c.product, models: [...new Set(c.models)] });
    });
    triggers.set(name, resolved);
  });
  refuseTriggerLoops(products, triggers, label);
  return triggers;
}

function refuseTriggerLoops(
  products: ReadonlyArray<ValidatedArtifacts>,
  triggers: ReadonlyMap<string, ProductTrigger[]>,
  label: (i: number) => string,
): void {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const loop = [...stack.slice(stack.indexOf(name)), name];
      const i = products.findIndex((p) => p.metadata.product_name === name);
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `data-triggered runs would loop: ${loop.map(q).join(" consumed by ")}`, {
        path: `${label(i)}: orchestration.consumes`,
        hint: "a product cannot (indirectly) consume its own outputs; remove one consumes entry of the loop",
      });
    }
    state.set(name, "visiting");
    stack.push(name);
    for (const t of triggers.get(name) ?? []) visit(t.product);
    stack.pop();
    state.set(name, "done");
  };
  for (const p of products) visit(p.metadata.product_name);
}

/**
 * Refuses (FLOE_ARTIFACTS_INVALID) an id that two products of one output would share. `kind` says
 * what the id is for the orchestrator (`Airflow dag_id`, `Dagster asset key`…).
 */
export function checkNamesAcrossProducts(kind: string, items: ReadonlyArray<{ product: string; name: string }>): void {
  const owner = new Map<string, string>();
  for (const { product, name } of items) {
    const first = owner.get(name);
    if (first === undefined) owner.set(name, product);
    else if (first !== product) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `${kind} ${q(name)} of product ${q(product)} is also one of product ${q(first)}`, {
        path: `product ${q(product)}`,
        hint: "ids must be unique across the products of one output (floe does not rename them); rename the job or model, or generate the products into separate outputs",
      });
    }
  }
}

/**
 * Refuses (FLOE_USAGE at --dbt-project) products of one output that run different dbt projects. The
 * output has one image (Dockerfile) holding one dbt project, and FLOE_DBT_PROJECT_DIR, the run-time
 * override every generated task or asset reads, names one directory for all of them: a second project
 * would be missing from the image, or silently replaced by the first. `dbtProjectDir` is the project as
 * the generated files record it (undefined: the plugin's default, the same for every product).
 */
export function checkOneDbtProject(products: ReadonlyArray<{ product: string; dbtProjectDir?: string | undefined }>): void {
  const first = products[0];
  if (!first) return;
  const other = products.find((p) => p.dbtProjectDir !== first.dbtProjectDir);
  if (!other) return;
  const shown = (p: { dbtProjectDir?: string | undefined }) => (p.dbtProjectDir === undefined ? "the default project" : q(p.dbtProjectDir));
  throw new FloeError(
    "FLOE_USAGE",
    `products ${q(first.product)} and ${q(other.product)} run different dbt projects (${shown(first)}, ${shown(other)}); one output's image holds one`,
    {
      path: "--dbt-project",
      hint: "give the products one dbt project (one --dbt-project), or generate each project's products into their own output",
    },
  );
}

/**
 * Runs `build` for one product; a floe error it throws gets the product in its path
 * (`product "b": orchestration.jobs[0].name`), so an error about several products says which one.
 */
export function inProduct<T>(product: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!isFloeError(error) || error.path?.startsWith("product ")) throw error;
    const where = `product ${q(product)}`;
    throw new FloeError(error.code, error.message, {
      path: error.path ? `${where}: ${error.path}` : where,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
}

/**
 * The files of several products as one output: a path two products write with the same content is
 * written once; with different content it is refused (FLOE_ARTIFACTS_INVALID naming both products).
 * Shared files (values.yaml, requirements, Dockerfile) are the plugin's to merge before this.
 */
export function mergeProductFiles(parts: ReadonlyArray<{ product: string; files: ReadonlyArray<GeneratedFile> }>): GeneratedFile[] {
  const merged = new Map<string, { file: GeneratedFile; product: string }>();
  for (const { product, files } of parts) {
    for (const file of files) {
      const seen = merged.get(file.path);
      if (!seen) merged.set(file.path, { file, product });
      else if (seen.file.content !== file.content) {
        throw new FloeError("FLOE_ARTIFACTS_INVALID", `products ${q(seen.product)} and ${q(product)} both need the file ${q(file.path)}`, {
          path: `product ${q(product)}`,
          hint: "their job names map to one file name; rename one of the jobs, or generate the products into separate outputs",
        });
      }
    }
  }
  return [...merged.values()].map((m) => m.file);
}

/**
 * One plan summary for the products of one output: jobs and schedules of all products (their names
 * must differ across products: FLOE_ARTIFACTS_INVALID), datasets unioned; `product` lists the
 * products in the order given, `products` names them.
 */
export function mergePlanSummaries(summaries: ReadonlyArray<PlanSummary>): PlanSummary {
  if (summaries.length === 0) throw new FloeError("FLOE_INTERNAL", "no plan summaries to merge");
  checkNamesAcrossProducts(
    "job",
    summaries.flatMap((s) => s.jobs.map((j) => ({ product: s.product, name: j.name }))),
  );
  checkNamesAcrossProducts(
    "schedule",
    summaries.flatMap((s) => s.schedules.map((j) => ({ product: s.product, name: j.name }))),
  );
  return {
    orchestrator: summaries[0]!.orchestrator,
    product: summaries.map((s) => s.product).join(", "),
    jobs: summaries.flatMap((s) => s.jobs),
    schedules: summaries.flatMap((s) => s.schedules),
    datasets: [...new Set(summaries.flatMap((s) => s.datasets))].sort(),
  };
}

/**
 * The identity of one product's model as a data-trigger: `floe://<product>/<model>`, each part
 * percent-encoded (Airflow Asset URI; the same on both sides since products have unique names).
 */
export function productModelUri(product: string, model: string): string {
  return `floe://${encodeURIComponent(product)}/${encodeURIComponent(model)}`;
}
