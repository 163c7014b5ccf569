/** The part of a dbt manifest.json (schema v10 to v12) that floe reads; everything else is ignored. */
import { z } from "zod";
import { FloeError } from "../errors.js";
import { zodToFloeError } from "../artifacts/parse-artifacts.js";

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
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FloeError("FLOE_MANIFEST_INVALID", `not JSON: ${(error as Error).message}`, {
      path: "(document)",
      hint: "pass the target/manifest.json that `dbt parse` writes",
      cause: error,
    });
  }
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
  const result = DbtManifestSchema.safeParse(data);
  if (!result.success) throw zodToFloeError(result.error, "FLOE_MANIFEST_INVALID", "dbt manifest");
  return result.data;
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
