// floe-core's public API: what API users and orchestrator plugins import. Named exports only, so that adding
// a helper to a module does not publish it; the reviewed surface is etc/floe-core.api.md (`pnpm api:update`).
// Subpaths group the same names by concern: floe-core/codegen (the Python/shell emitters), floe-core/lineage
// (OpenLineage), floe-core/schedule (cron, time zones, previews).

// The plugin contract and the artifacts data model: every export of these modules is public by definition.
export * from "./orchestrator-plugin.js";
export * from "./artifacts/compiled-artifacts.js";
export {
  TransformConfigSchema,
  ValidationResultSchema,
  WorkloadSizeSchema,
  ResourceQuantitiesSchema,
  ComponentResourcesSchema,
  ResourceSpecSchema,
  DatasetSchema,
  LineageEventTypeSchema,
} from "./contracts.js";
export type {
  TransformConfig,
  TransformConfigInput,
  ValidationResult,
  WorkloadSize,
  ComponentResources,
  ResourceSpec,
  Dataset,
  DatasetInput,
  LineageEventType,
  GeneratedFile,
} from "./contracts.js";

// Errors.
export { FloeError, isFloeError, isBadInput, notImplemented } from "./errors.js";
export type { FloeErrorCode, FloeErrorOptions } from "./errors.js";
export { redactUrl, credentialFreeUrl, shortInput } from "./redact.js";

// Versions.
export { FLOE_API_VERSION, parseApiVersion, isApiCompatible } from "./api-version.js";
export type { ApiVersion } from "./api-version.js";
export { runCli, FLOE_CORE_VERSION } from "./cli/run-cli.js";
export type { CliContext, Command, CommandOption } from "./cli/context.js";
export { FLOE_RUNTIME_VERSION, FLOE_RUNTIME_WHEEL_PATH, floeRuntimeRequirement } from "./runtime-version.js";
export { resolvePartitioning } from "./partition/partitioning.js";
export type { ResolvedPartitioning } from "./partition/partitioning.js";
export { FLOE_RUNTIME_METADATA, floeRuntimeWheelBytes, floeRuntimeWheelFile } from "./runtime/floe-runtime-wheel.js";
export { buildPureWheel, pureWheelFileName } from "./runtime/wheel.js";
export type { WheelFile, WheelSpec } from "./runtime/wheel.js";

// Artifacts: parse, validate, read models and jobs.
export {
  parseArtifacts,
  parseArtifactsJson,
  zodToFloeError,
  formatPath,
  isValidatedArtifacts,
  validatedSchedules,
} from "./artifacts/parse-artifacts.js";
export type { ParsedArtifacts, ValidatedArtifacts } from "./artifacts/parse-artifacts.js";
export { SUPPORTED_ARTIFACTS_RANGE, checkArtifactsVersion } from "./artifacts/version.js";
export type { ArtifactsVersionCheck } from "./artifacts/version.js";
export { compiledArtifactsJsonSchema } from "./artifacts/json-schema.js";
export { transformsFromArtifacts, resolveJobs, noModelsWarnings } from "./artifacts/transforms.js";
export type { ResolvedJob } from "./artifacts/transforms.js";
export { checkTransformGraph, topologicalOrder } from "./graph.js";
export type { GraphNode } from "./graph.js";

// dbt: manifests to artifacts, model names in selectors, per-node commands.
export { artifactsFromManifest, formatReport, checkProductName } from "./dbt/artifacts-from-manifest.js";
export type { FromManifestOptions, FromManifestReport, FromManifestResult, NotOrchestrated } from "./dbt/artifacts-from-manifest.js";
export { parseDbtManifest, parseDbtManifestJson, SUPPORTED_MANIFEST_VERSIONS } from "./dbt/dbt-manifest.js";
export type { DbtManifest, DbtNode, DbtSource, DbtOtherResource } from "./dbt/dbt-manifest.js";
export {
  DBT_SELECTOR_SPECIAL_SOURCE,
  isPlainDbtModelName,
  checkDbtModelNames,
  checkDbtModelName,
  dbtSelectorProblem,
} from "./dbt/dbt-selector.js";
export { dbtNodeArgs, dbtSelectionArgs } from "./dbt/dbt-command.js";
export type { DbtNodeCommand } from "./dbt/dbt-command.js";

// Generated code: the one emitter every user string goes through (also floe-core/codegen), requirements.
export { pyString, pyLiteral, pyIdentifier, safeName, nameHash, isPythonKeyword, PYTHON_KEYWORDS } from "./emit/python-literal.js";
export type { PyValue, SafeNameRules } from "./emit/python-literal.js";
export { shellQuote } from "./emit/shell-quote.js";
export {
  renderRequirements,
  dbtAdapterOf,
  dbtAdapterWarning,
  compatibleRange,
  DBT_ADAPTER_PACKAGES,
  mergeRequirementsFiles,
} from "./runtime/python-requirements.js";
export type { RequirementsInput, DbtAdapterRequirement } from "./runtime/python-requirements.js";

// Output, resources, Helm values, connections.
export { writeOutputDirectory, recoverOutputDirectory, OUTPUT_MANIFEST } from "./output/write-output.js";
export type { OutputFile, OutputLayoutKind, WriteOutputOptions } from "./output/write-output.js";
export { parseWorkloadSize, scaleResources } from "./resources.js";
export type { SmallPreset } from "./resources.js";
export { chartContextFromArtifacts, chartContextFromProducts, toLabelValue } from "./chart-context.js";
export type { ChartContext, ChartEnvVar } from "./chart-context.js";
export { probeHttp, joinUrl } from "./http/http-probe.js";
export type { ProbeFailureKind, ProbeSuccess, ProbeFailure, ProbeResult, ProbeOptions } from "./http/http-probe.js";
export { describeProbeFailure, describeHttpStatus } from "./http/connection-messages.js";
export type { ConnectionTarget, ConnectionProblem } from "./http/connection-messages.js";

// Plugin discovery.
export { discoverPlugins, loadPlugin, installHint, ORCHESTRATORS_FIELD, API_VERSION_FIELD } from "./plugin-registry.js";
export type { PluginProblem, DiscoveredPlugin, DiscoveryResult, DiscoverOptions, LoadPluginOptions } from "./plugin-registry.js";

// Schedules (also floe-core/schedule).
export { validateSchedule } from "./schedule/validate-schedule.js";
export type { ValidSchedule } from "./schedule/validate-schedule.js";
export { validateTimeZone, suggestTimeZone } from "./schedule/time-zone.js";
export { parseCron, matchesDay, cronError, CRON_MACROS } from "./schedule/cron-expression.js";
export type { CronExpression, CronField, CronFieldName, ParseCronOptions } from "./schedule/cron-expression.js";
export { nextNaive, prevNaive } from "./schedule/naive-cron.js";
export {
  pyTimestamp,
  pyUtcOffset,
  pyFromTimestamp,
  pyExists,
  pyAmbiguous,
  pyDst,
  pyAddWall,
  pyAddAbsolute,
  wallFields,
  pyReplace,
  TIME,
} from "./schedule/py-datetime.js";
export type { PyDateTime, WallFields } from "./schedule/py-datetime.js";
export { collectFireTimes, previewCount, MAX_PREVIEW_COUNT } from "./schedule/preview.js";
export type { SchedulePreviewOptions, FireTime } from "./schedule/preview.js";

// Lineage (also floe-core/lineage, with the OpenLineage event model and dataset naming).
export { emitLineage, resolveLineageSettings, createLineageClient } from "./lineage/emit-lineage.js";
export type { LineageSettings, LineageClient, EmitLineageCallOptions } from "./lineage/emit-lineage.js";
export { modelLineage, modelLineagePairs, shareableLineageEndpoint } from "./lineage/model-lineage.js";
export type { ModelLineage } from "./lineage/model-lineage.js";

// Run control (`floe run`) and the reviewable plan (`floe generate --plan`, `floe schedule diff`).
export {
  hasRunControl,
  waitForRun,
  requestJson,
  httpStatusError,
  serverMessage,
  pickRunnableJob,
  TERMINAL_RUN_STATES,
  TERMINAL_MODEL_STATES,
  MAX_POLL_FAILURES,
} from "./runs/run-control.js";
export type {
  RunState,
  ModelRunState,
  ModelProgress,
  RunHandle,
  RunStatus,
  TriggerRunRequest,
  RunStatusRequest,
  WaitOptions,
  RunControl,
  JsonRequest,
  JsonAnswer,
  RunnableJob,
} from "./runs/run-control.js";
export {
  checkProducts,
  checkNamesAcrossProducts,
  checkOneDbtProject,
  inProduct,
  mergeProductFiles,
  mergePlanSummaries,
  productModelUri,
} from "./products/products.js";
export type { ProductInput, ProductTrigger } from "./products/products.js";
export { lineageDatasets, computePlan, renderPlan, switchWarning, switchFireTimeChanges } from "./plan/plan.js";
export type { PlanSummary, ScheduleChange, FireTimeChange, Plan, ScheduleLookup, PlanOptions } from "./plan/plan.js";
export { diffSchedule, fireTimeDivergences, offsetChanges, MAX_DIFF_COUNT } from "./schedule/schedule-diff.js";
export type { ScheduleDivergence, ScheduleDiffSides, FireTimeDivergence, ScheduleDiffOptions } from "./schedule/schedule-diff.js";
