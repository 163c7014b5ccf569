/**
 * The entry point both plugins' emitLineageEvent and `floe lineage emit` use.
 * TODO(lineage): build the OpenLineage 2-0-2 client, HTTP transport and spool behind this signature.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import type { DatasetInput, LineageEventType } from "../contracts.js";
import { notImplemented } from "../errors.js";
import type { EmitLineageOptions, LineageEmitResult } from "../orchestrator-plugin.js";

export interface LineageSettings {
  /** Backend base URL; events go to `<url>/api/v1/lineage`. */
  url?: string;
  /** Sent as `Authorization: Bearer …`; never logged or written. */
  apiKey?: string;
  transport?: "http" | "console" | "noop";
  /** Job namespace (defaults to the artifacts' lineage_namespace, else "default"). */
  namespace?: string;
  disabled?: boolean;
  spoolDir?: string;
}

/** Settings from explicit overrides, then OPENLINEAGE_* environment variables, then the artifacts. */
export function resolveLineageSettings(_input: {
  overrides?: LineageSettings;
  env?: NodeJS.ProcessEnv;
  artifacts?: CompiledArtifacts;
}): LineageSettings {
  throw notImplemented("resolveLineageSettings");
}

export async function emitLineage(
  _settings: LineageSettings,
  _eventType: LineageEventType,
  _job: string,
  _inputs: ReadonlyArray<DatasetInput>,
  _outputs: ReadonlyArray<DatasetInput>,
  _options: EmitLineageOptions = {},
): Promise<LineageEmitResult> {
  throw notImplemented("emitLineage");
}
