import { DagsterRunControl } from "./run-control.js";
import { createRequire } from "node:module";
import type { z } from "zod";
import {
  checkNamesAcrossProducts,
  checkOneDbtProject,
  checkProducts,
  inProduct,
  mergePlanSummaries,
  mergeProductFiles,
  mergeRequirementsFiles,
  type ProductInput,
  type ProductsCapability,
  lineageDatasets,
  noModelsWarnings,
  type PlanSummary,
  redactUrl,
  FloeError,
  OrchestratorPlugin,
  TransformConfigSchema,
  checkDbtModelNames,
  emitLineage,
  formatPath,
  helmValuesFile,
  isValidatedArtifacts,
  parseArtifacts,
  parseGenerateOptions,
  resolveJobs,
  resolveLineageSettings,
  validatedSchedules,
  parsePluginOptions,
  type CompiledArtifacts,
  type CompiledArtifactsInput,
  type ConnectionCapability,
  type ConnectionCheckOptions,
  type GenerateOptions,
  type GenerateResult,
  type ScheduleCapability,
  type ValidatedArtifacts,
  type DatasetInput,
  type EmitLineageOptions,
  type LineageEmitResult,
  type LineageEventType,
  type OrchestratorDefinitions,
  type ResourceSpec,
  type TransformConfigInput,
  type ValidateConnectionOptions,
  type ValidationResult,
  type WorkloadSize,
} from "floe-core";
import { buildAssetSpecs, type DagsterAssetSpec } from "./asset-specs.js";
import { DEADLINE_MS, checkDagsterConnection, resolveDagsterUrl } from "./check-connection.js";
import { buildDefinitionsModel, type DagsterDefinitionsModel, type ExtraSchedule } from "./definitions-model.js";
import { buildDagsterHelmValues } from "./helm-values.js";
import { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
import { ARTIFACTS_FILE, renderCodeLocation, renderProductsWorkspaceYaml } from "./render-code-location.js";
import { buildLineageModel, renderLineageFile } from "./render-lineage.js";
import { renderProductsDockerfile, renderRuntimeFiles } from "./render-runtime.js";
import { dagsterResourceRequirements } from "./resource-presets.js";
import { checkParsedDagsterSchedule, dagsterSchedules } from "./schedules.js";

const require = createRequire(import.meta.url);
const PACKAGE_JSON = require("../package.json") as { name: string; version: string };
const PACKAGE_VERSION: string = PACKAGE_JSON.version;
const PACKAGE_NAME: string = PACKAGE_JSON.name;

/**
 * The Dagster orchestrator plugin. The contract: `generate` (every file of the code location,
 * `values.yaml` included) and the capabilities `helmValues`, `connection`, `schedules`, `runs`. The seed's
 * seven operations stay for API users (`createDefinitions` for the inspectable model).
 */
export class DagsterPlugin extends OrchestratorPlugin {
  readonly name = "dagster";
  readonly version = PACKAGE_VERSION;
  // The plugin API this package was built against (not the installed floe-core's, which may be newer).
  readonly floeApiVersion = "1.2";
  readonly options: DagsterPluginOptions;
  readonly #schedules: ExtraSchedule[] = [];
  /**
   * Run control (optional plugin capability): trigger a generated job on the Dagster webserver at the
   * url option (else DAGSTER_URL), read its state, follow it to the end.
   */
  readonly runs: DagsterRunControl;

  /** Dagster's cron rules and tick semantics (`floe schedule preview --orchestrator dagster`). */
  readonly schedules: ScheduleCapability = dagsterSchedules;

  /** Checks the Dagster webserver (`floe validate-connection --orchestrator dagster`). */
  readonly connection: ConnectionCapability = {
    validate: (options: ConnectionCheckOptions = {}) => {
      const url =
        options.url === undefined
          ? this.options.url
          : checkOption(DagsterPluginOptionsSchema.pick({ url: true }), { url: options.url }).url;
      return checkDagsterConnection(resolveDagsterUrl(url, process.env), Math.min(options.deadlineMs ?? DEADLINE_MS, DEADLINE_MS));
    },
  };

  /**
   * Several products in one deployment (`floe generate a.json b.json …`): one code location (package
   * floe_<product>/) per product, one workspace.yaml listing them, one requirements.txt and Dockerfile.
   * Asset keys, code locations and job/schedule names must differ across products: a collision is
   * refused, never renamed. A product's `orchestration.consumes` adds a sensor starting its default job
   * when the consumed assets (in the other products' code locations) are materialized again.
   */
  readonly products: ProductsCapability = {
    generate: (products, options = {}) => this.#generateProducts(products, options),
  };

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = checkOption(DagsterPluginOptionsSchema, options);
    const token = process.env.DAGSTER_CLOUD_API_TOKEN || undefined;
    this.runs = new DagsterRunControl({
      url: resolveDagsterUrl(this.options.url, process.env),
      ...(token ? { token } : {}),
      modelOf: (artifacts) => this.createDefinitions(artifacts).model,
    });
  }

  /** Every file of the code location for validated artifacts; schedules come from the artifacts only. */
  generate(artifacts: ValidatedArtifacts, options: GenerateOptions = {}): GenerateResult {
    // A product consuming another is generated together with it (products.generate).
    checkProducts([artifacts]);
    const { dbtProjectDir, pluginOptions } = parseGenerateOptions(options);
    // The plugin's own options for this output, checked like constructor options (an unknown one: FLOE_CONFIG_INVALID at options.<name>).
    const own = pluginOptions === undefined ? this.options : checkOption(DagsterPluginOptionsSchema, { ...this.options, ...pluginOptions });
    const definitions = this.#definitions(artifacts, dbtProjectDir ?? own.dbtProjectDir, []);
    const plan = definitions.planSummary?.();
    return {
      files: [...definitions.render(), helmValuesFile(buildDagsterHelmValues({ artifacts }))],
      warnings: [...(definitions.warnings ?? [])],
      ...(plan ? { plan } : {}),
    };
  }

  #generateProducts(products: ReadonlyArray<ProductInput>, options: Omit<GenerateOptions, "dbtProjectDir">): GenerateResult {
    const { pluginOptions } = parseGenerateOptions(options);
    const own = pluginOptions === undefined ? this.options : checkOption(DagsterPluginOptionsSchema, { ...this.options, ...pluginOptions });
    const triggers = checkProducts(products.map((p) => p.artifacts));
    checkOneDbtProject(
      products.map((p) => ({ product: p.artifacts.metadata.product_name, dbtProjectDir: p.dbtProjectDir ?? own.dbtProjectDir })),
    );
    const build = (p: ProductInput, consumes?: { products: string[]; keys: string[][] }) =>
      inProduct(p.artifacts.metadata.product_name, () =>
        this.#definitions(p.artifacts, p.dbtProjectDir ?? own.dbtProjectDir, [], consumes),
      );
    // The owners' asset keys first: a consumer's sensor watches them.
    const plain = products.map((p) => build(p));
    const keyOf = new Map(plain.map((d) => [d.model.product, new Map(d.model.assets.map((a) => [a.model, a.key]))]));
    const parts = products.map((p, i) => {
      const consumed = triggers.get(p.artifacts.metadata.product_name);
      if (!consumed) return plain[i]!;
      return build(p, {
        products: consumed.map((t) => t.product),
        keys: consumed.flatMap((t) => t.models.map((m) => keyOf.get(t.product)!.get(m)!)),
      });
    });
    const models = parts.map((d) => d.model);
    checkNamesAcrossProducts(
      "Dagster code location",
      models.map((m) => ({ product: m.product, name: m.location })),
    );
    checkNamesAcrossProducts(
      "Dagster asset key",
      models.flatMap((m) => m.assets.map((a) => ({ product: m.product, name: a.key.join("/") }))),
    );
    const rendered = parts.map((d) => ({
      product: d.model.product,
      packageName: d.model.packageName,
      files: inProduct(d.model.product, () => d.render()),
    }));
    const shared = new Set(["workspace.yaml", "requirements.txt", "Dockerfile"]);
    const files = mergeProductFiles(
      rendered.map((r) => ({
        product: r.product,
        files: r.files
          .filter((f) => !shared.has(f.path))
          // Each product's artifacts copy lives in its package.
          .map((f) => (f.path === ARTIFACTS_FILE ? { ...f, path: `${r.packageName}/${ARTIFACTS_FILE}` } : f)),
      })),
    );
    const named = (path: string) => rendered.map((r) => r.files.find((f) => f.path === path)!.content);
    files.push({ path: "workspace.yaml", content: renderProductsWorkspaceYaml(models) });
    files.push({
      path: "requirements.txt",
      content: mergeRequirementsFiles(
        named("requirements.txt"),
        `Generated by floe-orchestrator-${this.name} ${this.version} for the data products ${models.map((m) => JSON.stringify(m.product)).join(", ")}.`,
      ),
    });
    files.push({ path: "Dockerfile", content: renderProductsDockerfile(models) });
    files.push(helmValuesFile(buildDagsterHelmValues({ products: products.map((p) => p.artifacts) })));
    const warnings = [...new Set(parts.flatMap((d) => d.warnings ?? []))];
    const summaries = parts.map((d) => d.planSummary?.()).filter((s): s is PlanSummary => s !== undefined);
    return { files, warnings, ...(summaries.length === parts.length ? { plan: mergePlanSummaries(summaries) } : {}) };
  }

  /** The inspectable model and its render; includes schedules added with the legacy `scheduleJob`. */
  createDefinitions(input: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions<DagsterDefinitionsModel> {
    const artifacts = isValidatedArtifacts(input) ? input : parseArtifacts(input).artifacts;
    return this.#definitions(artifacts, this.options.dbtProjectDir, [...this.#schedules]);
  }

  #definitions(
    artifacts: ValidatedArtifacts,
    dbtProjectDir: string | undefined,
    extraSchedules: ExtraSchedule[],
    consumes?: { products: string[]; keys: string[][] },
  ): OrchestratorDefinitions<DagsterDefinitionsModel> {
    // Parsed once by floe-core; here only Dagster's own refusals, naming the schedule's field.
    const schedules = validatedSchedules(artifacts);
    schedules.forEach((schedule, i) => {
      try {
        checkParsedDagsterSchedule(schedule);
      } catch (error) {
        const e = error as FloeError;
        throw new FloeError(e.code, e.message, { path: `orchestration.schedules[${i}].${e.path ?? "cron"}`, hint: e.hint, cause: error });
      }
    });
    const jobs = resolveJobs(artifacts);
    const model = buildDefinitionsModel(artifacts, {
      ...(dbtProjectDir === undefined ? {} : { dbtProjectDir }),
      plugin: { name: this.name, version: this.version },
      jobs,
      schedules,
      extraSchedules,
      ...(consumes ? { consumes } : {}),
    });
    const artifactsJson = `${JSON.stringify(provenanceArtifacts(artifacts), null, 2)}
`;
    const lineage = buildLineageModel(artifacts, { name: PACKAGE_NAME, version: this.version }, jobs);
    const render = () => [
      ...renderCodeLocation(model, artifactsJson),
      renderLineageFile(lineage, model.generatedBy, model.packageName),
      ...renderRuntimeFiles(model, artifacts),
    ];
    const planSummary = (): PlanSummary => ({
      orchestrator: this.name,
      product: model.product,
      jobs: model.jobs.map((j) => ({ name: j.name, tasks: j.selection.map((key) => key.join("/")) })),
      schedules: model.schedules.map((s) => ({ name: s.name, job: s.job, crons: [s.cron], timezone: s.timezone, enabled: s.running })),
      datasets: lineageDatasets(artifacts),
    });
    return {
      orchestrator: this.name,
      model,
      warnings: [...noModelsWarnings(artifacts, "Dagster code location"), ...model.warnings],
      render,
      planSummary,
    };
  }

  /** Asset specs for transforms; `group` is the product's group when called through createDefinitions. */
  createAssetsFromTransforms(transforms: ReadonlyArray<TransformConfigInput>, group = "default"): DagsterAssetSpec[] {
    const parsed = transforms.map((t, i) => {
      const result = TransformConfigSchema.safeParse(t);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new FloeError("FLOE_CONFIG_INVALID", issue?.message ?? "invalid transform", {
          path: formatPath(["transforms", i, ...(issue?.path ?? [])]),
          hint: "each transform needs a name; depends_on and tags are lists of strings",
        });
      }
      return { ...result.data, unique_id: (t as { unique_id?: string | null }).unique_id ?? null };
    });
    checkDbtModelNames(parsed, "transforms");
    return buildAssetSpecs(parsed, group);
  }

  /** Values for charts/floe-dagster (the `helmValues` capability). */
  helmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildDagsterHelmValues(options);
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return this.helmValues(options);
  }

  async validateConnection(options: ValidateConnectionOptions = {}): Promise<ValidationResult> {
    return this.connection.validate(options);
  }

  getResourceRequirements(size: WorkloadSize): ResourceSpec {
    return dagsterResourceRequirements(size);
  }

  async emitLineageEvent(
    eventType: LineageEventType,
    job: string,
    inputs: ReadonlyArray<DatasetInput>,
    outputs: ReadonlyArray<DatasetInput>,
    options: EmitLineageOptions = {},
  ): Promise<LineageEmitResult> {
    const settings = resolveLineageSettings({ overrides: this.options.lineage ?? {}, env: process.env });
    return emitLineage(settings, eventType, job, inputs, outputs, options);
  }

  /**
   * Legacy stateful form: validates now (FLOE_SCHEDULE_INVALID / FLOE_TIMEZONE_INVALID naming the
   * field) and adds the schedule to this instance's later createDefinitions calls (not to generate).
   */
  scheduleJob(jobName: string, cron: string, timezone: string): void {
    if (typeof jobName !== "string" || jobName.trim() === "") {
      throw new FloeError("FLOE_SCHEDULE_INVALID", "the job name is empty", {
        path: "jobName",
        hint: "name the product or one of its named jobs",
      });
    }
    const valid = this.schedules.validate(cron, timezone);
    this.#schedules.push({ jobName, cron: valid.cron, expanded: valid.expanded, timezone: valid.timezone });
  }
}

/** Options checked against the plugin's schema: FLOE_CONFIG_INVALID at `options.<field>`. */
function checkOption<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  return parsePluginOptions(schema, value, "DagsterPluginOptionsSchema");
}

/**
 * The artifacts as copied next to the generated code, for provenance only (the generated Python reads
 * nothing from it). An allow-list: the fields that say what was generated, never plugin configs,
 * profiles, telemetry headers, governance or model `meta`, which may hold passwords and tokens. The
 * lineage endpoint keeps scheme, host and path only.
 */
export function provenanceArtifacts(artifacts: CompiledArtifacts): Record<string, unknown> {
  const pick = (value: unknown, keys: readonly string[]): Record<string, unknown> | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) if ((value as Record<string, unknown>)[key] !== undefined) out[key] = (value as Record<string, unknown>)[key];
    return out;
  };
  const observability = pick(artifacts.observability, ["lineage", "lineage_namespace", "lineage_transport"]) ?? {};
  const endpoint = artifacts.observability.lineage_endpoint;
  if (typeof endpoint === "string") observability.lineage_endpoint = redactUrl(endpoint);
  const plugins = artifacts.plugins
    ? Object.fromEntries(Object.entries(artifacts.plugins).flatMap(([role, ref]) => (ref ? [[role, pick(ref, ["type", "version"])]] : [])))
    : undefined;
  const transforms = artifacts.transforms
    ? {
        default_compute: artifacts.transforms.default_compute,
        models: artifacts.transforms.models.map((m) =>
          pick(m, [
            "name",
            "compute",
            "tags",
            "depends_on",
            "quality_tier",
            "path",
            "schema_name",
            "materialization",
            "description",
            "unique_id",
          ]),
        ),
      }
    : undefined;
  const copy: Record<string, unknown> = {
    version: artifacts.version,
    metadata: pick(artifacts.metadata, ["compiled_at", "floe_version", "source_hash", "product_name", "product_version"]),
    identity: {
      ...pick(artifacts.identity, ["product_id", "domain"]),
      repository: artifacts.identity.repository.includes("://") ? redactUrl(artifacts.identity.repository) : artifacts.identity.repository,
    },
    mode: artifacts.mode,
    observability,
    plugins,
    transforms,
    orchestration: artifacts.orchestration ?? undefined,
  };
  return Object.fromEntries(Object.entries(copy).filter(([, v]) => v !== undefined));
}
