import { createRequire } from "node:module";
import {
  FLOE_API_VERSION,
  FloeError,
  OrchestratorPlugin,
  notImplemented,
  type CompiledArtifacts,
  type CompiledArtifactsInput,
  type DatasetInput,
  type LineageEmitResult,
  type LineageEventType,
  type OrchestratorDefinitions,
  type ResourceSpec,
  type TransformConfigInput,
  type ValidationResult,
  type WorkloadSize,
} from "floe-core";
import { buildDagsterHelmValues } from "./helm-values.js";
import { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
import { dagsterResourceRequirements } from "./resource-presets.js";

const require = createRequire(import.meta.url);
const PACKAGE_VERSION: string = (require("../package.json") as { version: string }).version;

export class DagsterPlugin extends OrchestratorPlugin {
  readonly name = "dagster";
  readonly version = PACKAGE_VERSION;
  readonly floeApiVersion = FLOE_API_VERSION;
  readonly options: DagsterPluginOptions;

  constructor(options: Record<string, unknown> = {}) {
    super();
    const parsed = DagsterPluginOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FloeError("FLOE_CONFIG_INVALID", issue?.message ?? "invalid options", {
        path: issue?.path.join(".") || "options",
        hint: "see DagsterPluginOptionsSchema for the accepted options",
      });
    }
    this.options = parsed.data;
  }

  createDefinitions(_artifacts: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions {
    throw notImplemented("DagsterPlugin.createDefinitions");
  }

  createAssetsFromTransforms(_transforms: ReadonlyArray<TransformConfigInput>): unknown[] {
    throw notImplemented("DagsterPlugin.createAssetsFromTransforms");
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildDagsterHelmValues(options);
  }

  async validateConnection(): Promise<ValidationResult> {
    throw notImplemented("DagsterPlugin.validateConnection");
  }

  getResourceRequirements(size: WorkloadSize): ResourceSpec {
    return dagsterResourceRequirements(size);
  }

  async emitLineageEvent(
    _eventType: LineageEventType,
    _job: string,
    _inputs: ReadonlyArray<DatasetInput>,
    _outputs: ReadonlyArray<DatasetInput>,
  ): Promise<LineageEmitResult> {
    throw notImplemented("DagsterPlugin.emitLineageEvent");
  }

  scheduleJob(_jobName: string, _cron: string, _timezone: string): void {
    throw notImplemented("DagsterPlugin.scheduleJob");
  }
}
