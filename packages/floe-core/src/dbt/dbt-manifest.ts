/** The part of a dbt manifest.json (schema v10 to v12) that floe reads; everything else is ignored. */
import { z } from "zod";
import { FloeError } from "../errors.js";
import { zodToFloeError } from "../artifacts/parse-artifacts.js";
import { parseJsonText } from "../json-text.js";

export const SUPPORTED_MANIFEST_VERSIONS = [10, 11, 12] as const;

const DbtNodeSchema = z
  .object({
    unique_id: z.string().min(1),
    name: z.string().min(1),
    resource_type: z.string().min(1),
    package_name: z.string().min(1),
    original_file_path: z.string().default(""),
    schema: z.string().nullish(),
    tags: z.array(z.string()).default([]),
    meta: z.record(z.string(), z.unknown()).default({}),
    description: z.string().default(""),
    checksum: z.object({ name: z.string(), checksum: z.string() }).loose().nullish(),
    config: z
      .object({
        enabled: z.boolean().default(true),
        materialized: z.string().nullish(),
      })
      .loose()
      .default({ enabled: true }),
    depends_on: z.object({ nodes: z.array(z.string()).default([]) }).loose().default({ nodes: [] }),
  })
  .loose();

export const DbtManifestSchema = z
  .object({
    metadata: z
      .object({
        dbt_schema_version: z.string(),
        dbt_version: z.string().nullish(),
        adapter_type: z.string().nullish(),
        project_name: z.string().nullish(),
      })
      .loose(),
    nodes: z.record(z.string(), DbtNodeSchema),
  })
  .loose();

export type DbtManifest = z.infer<typeof DbtManifestSchema>;
export type DbtNode = z.infer<typeof DbtNodeSchema>;

/** Parses manifest.json text; every problem is FLOE_MANIFEST_INVALID naming the field. */
export function parseDbtManifestJson(text: string): DbtManifest {
  const data = parseJsonText(text, { code: "FLOE_MANIFEST_INVALID", hint: "pass the target/manifest.json that `dbt parse` writes" });
  return parseDbtManifest(data);
}

export function parseDbtManifest(data: unknown): DbtManifest {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new FloeError("FLOE_MANIFEST_INVALID", "expected a JSON object", {
      path: "(document)",
      hint: "pass the target/manifest.json that `dbt parse` writes",
    });
  }
  const schemaVersion = (data as { metadata?: { dbt_schema_version?: unknown } }).metadata?.dbt_schema_version;
  if (typeof schemaVersion === "string") checkManifestVersion(schemaVersion);
  const result = DbtManifestSchema.safeParse(readPart(data as Record<string, unknown>));
  if (!result.success) throw zodToFloeError(result.error, "FLOE_MANIFEST_INVALID", "dbt manifest");
  return result.data;
}

/** The node kinds floe turns into transforms or folds into edges; tests, snapshots, analyses… are not read. */
const READ_RESOURCE_TYPES = new Set(["model", "seed"]);
const NODE_FIELDS = ["unique_id", "name", "resource_type", "package_name", "original_file_path", "schema", "tags", "meta", "description", "checksum"] as const;

/**
 * The part of the manifest floe reads: metadata, and per model or seed node only the fields above (plus
 * config.enabled/materialized and depends_on.nodes). A 10,000-model manifest is ~90 MB, most of it tests,
 * columns and compiled SQL; validating (and copying, for loose objects) all of it cost more than the
 * JSON.parse itself. Values that are not objects are passed through so validation names them.
 */
function readPart(data: Record<string, unknown>): Record<string, unknown> {
  const nodes = data.nodes;
  if (typeof nodes !== "object" || nodes === null || Array.isArray(nodes)) return { metadata: data.metadata, nodes };
  const read: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(nodes as Record<string, unknown>)) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      read[id] = node;
      continue;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.resource_type === "string" && !READ_RESOURCE_TYPES.has(record.resource_type)) continue;
    const part: Record<string, unknown> = {};
    for (const field of NODE_FIELDS) if (record[field] !== undefined) part[field] = record[field];
    const config = record.config;
    if (config !== undefined) {
      part.config = isPlainObject(config) ? { enabled: config.enabled, materialized: config.materialized } : config;
    }
    const dependsOn = record.depends_on;
    if (dependsOn !== undefined) part.depends_on = isPlainObject(dependsOn) ? { nodes: dependsOn.nodes } : dependsOn;
    read[id] = part;
  }
  return { metadata: data.metadata, nodes: read };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `https://schemas.getdbt.com/dbt/manifest/v12.json` → 12, refused outside v10–v12. */
export function checkManifestVersion(schemaVersion: string): number {
  const match = /\/manifest\/v(\d+)\.json$/.exec(schemaVersion);
  const version = match ? Number(match[1]) : NaN;
  if (!(SUPPORTED_MANIFEST_VERSIONS as readonly number[]).includes(version)) {
    throw new FloeError("FLOE_MANIFEST_INVALID", `manifest schema ${JSON.stringify(schemaVersion)} is not supported`, {
      path: "metadata.dbt_schema_version",
      hint: "floe reads dbt manifests v10 to v12 (dbt-core 1.6 and later); run `dbt parse` with a supported dbt",
    });
  }
  return version;
}
