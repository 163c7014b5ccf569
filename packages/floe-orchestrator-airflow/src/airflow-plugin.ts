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
import { buildAirflowHelmValues } from "./helm-values.js";
import { AirflowPluginOptionsSchema, type AirflowPluginOptions } from "./options.js";
import { airflowResourceRequirements } from "./resource-presets.js";

const require = createRequire(import.meta.url);
const PACKAGE_VERSION: string = (require("../package.json") as { version: string }).version;

export class AirflowPlugin extends OrchestratorPlugin {
  readonly name = "airflow";
  readonly version = PACKAGE_VERSION;
  readonly floeApiVersion = FLOE_API_VERSION;
  readonly options: AirflowPluginOptions;

  constructor(options: Record<string, unknown> = {}) {
    super();
    const parsed = AirflowPluginOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FloeError("FLOE_CONFIG_INVALID", issue?.message ?? "invalid options", {
        path: issue?.path.join(".") || "options",
        hint: "see AirflowPluginOptionsSchema for the accepted options",
      });
    }
    this.options = parsed.data;
  }

  createDefinitions(_artifacts: CompiledArtifacts | CompiledArtifactsInput): OrchestratorDefinitions {
    throw notImplemented("AirflowPlugin.createDefinitions");
  }

  createAssetsFromTransforms(_transforms: ReadonlyArray<TransformConfigInput>): unknown[] {
    throw notImplemented("AirflowPlugin.createAssetsFromTransforms");
  }

  getHelmValues(options: { size?: WorkloadSize; artifacts?: CompiledArtifacts } = {}): Record<string, unknown> {
    return buildAirflowHelmValues(options);
  }

  async validateConnection(): Promise<ValidationResult> {
    throw notImplemented("AirflowPlugin.validateConnection");
  }

  getResourceRequirements(size: WorkloadSize): ResourceSpec {
    return airflowResourceRequirements(size);
  }

  async emitLineageEvent(
    _eventType: LineageEventType,
    _job: string,
    _inputs: ReadonlyArray<DatasetInput>,
    _outputs: ReadonlyArray<DatasetInput>,
  ): Promise<LineageEmitResult> {
    throw notImplemented("AirflowPlugin.emitLineageEvent");
  }

  scheduleJob(_jobName: string, _cron: string, _timezone: string): void {
    throw notImplemented("AirflowPlugin.scheduleJob");
  }
}
