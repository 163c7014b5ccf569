/**
 * The part of a dbt manifest.json (schema v7 to v12, dbt-core 1.3 and later) that floe reads. Models,
 * seeds and snapshots are read in full (the fields floe uses); sources by their relation; every other
 * resource (tests, unit tests, analyses, hooks, exposures, metrics, semantic models, saved queries,
 * functions, disabled nodes) only by id, name and kind, so from-dbt can say what it does not orchestrate.
 */
import { z } from "zod";
import { FloeError } from "../errors.js";
import { zodToFloeError } from "../artifacts/parse-artifacts.js";
import { parseJsonText } from "../json-text.js";

/**
 * v7 (dbt 1.3) to v12 (dbt 1.8+). The fields floe reads have the same shape in all of them:
 * `resource_type`, `config.enabled`/`config.materialized`, `depends_on.nodes`, `sources`, `disabled`;
 * v9 adds model `version`/`latest_version`, v10 `semantic_models`, v11 `saved_queries`, v12 `unit_tests`
 * (absent maps are read as empty).
 */
export const SUPPORTED_MANIFEST_VERSIONS = [7, 8, 9, 10, 11, 12] as const;

/** The node kinds floe turns into transforms (or, ephemeral models, folds into edges). */
export const TRANSFORM_RESOURCE_TYPES = ["model", "seed", "snapshot"] as const;

const versionValue = z.union([z.string(), z.number()]).nullish();

const DbtNodeSchema = z
  .object({
    unique_id: z.string().min(1),
    name: z.string().min(1),
    resource_type: z.enum(TRANSFORM_RESOURCE_TYPES),
    package_name: z.string().min(1),
    original_file_path: z.string().default(""),
    schema: z.string().nullish(),
    alias: z.string().nullish(),
    tags: z.array(z.string()).default([]),
    meta: z.record(z.string(), z.unknown()).default({}),
    description: z
      .string()
      .nullish()
      .transform((d) => d ?? ""),
    checksum: z.object({ name: z.string(), checksum: z.string() }).loose().nullish(),
    version: versionValue.describe("model version (v9+), e.g. 2"),
    latest_version: versionValue,
    config: z
      .object({
        enabled: z.boolean().default(true),
        materialized: z.string().nullish(),
        meta: z
          .record(z.string(), z.unknown())
          .nullish()
          .describe("config.meta (dbt 1.10+ puts meta here; `+meta` in dbt_project.yml lands here)"),
      })
      .loose()
      .default({ enabled: true }),
    depends_on: z
      .object({ nodes: z.array(z.string()).default([]) })
      .loose()
      .default({ nodes: [] }),
  })
  .loose();

const DbtSourceSchema = z
  .object({
    unique_id: z.string().min(1),
    source_name: z.string().min(1),
    name: z.string().min(1),
    package_name: z.string().nullish(),
    database: z.string().nullish(),
    schema: z.string().nullish(),
    identifier: z.string().nullish(),
    loaded_at_field: z.string().nullish(),
    freshness: z
      .object({
        warn_after: z.object({ count: z.number().int().nullish(), period: z.string().nullish() }).loose().nullish(),
        error_after: z.object({ count: z.number().int().nullish(), period: z.string().nullish() }).loose().nullish(),
        filter: z.string().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

const DbtMetadataSchema = z
  .object({
    dbt_schema_version: z.string(),
    dbt_version: z.string().nullish(),
    adapter_type: z.string().nullish(),
    project_name: z.string().nullish(),
    generated_at: z.string().nullish(),
  })
  .loose();

export type DbtNode = z.infer<typeof DbtNodeSchema>;
export type DbtSource = z.infer<typeof DbtSourceSchema>;

/** A resource floe does not turn into a transform, known by id, name and where it came from. */
export interface DbtOtherResource {
  unique_id: string;
  name: string;
  /** `test`, `unit_test`, `analysis`, `operation`, `exposure`, `metric`, `semantic_model`, `saved_query`, `function`… */
  resource_type: string;
  /** True for an entry of the manifest's `disabled` map. */
  disabled: boolean;
  /** The top-level map that holds it (`nodes`, `exposures`, `disabled`…); `resourcePath` names the entry. */
  map: string;
}

/** Where a resource is in the manifest, for error paths: `nodes["model.shop.orders"]`. */
export function resourcePath(map: string, uniqueId: string): string {
  return `${map}[${JSON.stringify(uniqueId)}]`;
}

export interface DbtManifest {
  metadata: z.infer<typeof DbtMetadataSchema>;
  /** 7 to 12. */
  schemaVersion: number;
  /** Models, seeds and snapshots by unique_id (a Map: ids are data, `__proto__` included). */
  nodes: Map<string, DbtNode>;
  sources: Map<string, DbtSource>;
  others: DbtOtherResource[];
}

const MANIFEST_HINT = "pass the target/manifest.json that `dbt parse` writes";

/** Parses manifest.json text; every problem is FLOE_MANIFEST_INVALID naming the field. */
export function parseDbtManifestJson(text: string): DbtManifest {
  const data = parseJsonText(text, { code: "FLOE_MANIFEST_INVALID", hint: MANIFEST_HINT });
  return parseDbtManifest(data);
}

const NODE_FIELDS = [
  "unique_id",
  "name",
  "resource_type",
  "package_name",
  "original_file_path",
  "schema",
  "alias",
  "tags",
  "meta",
  "description",
  "checksum",
  "version",
  "latest_version",
] as const;
const SOURCE_FIELDS = [
  "unique_id",
  "source_name",
  "name",
  "package_name",
  "database",
  "schema",
  "identifier",
  "loaded_at_field",
  "freshness",
] as const;

/** Top-level maps of resources floe never orchestrates, and the resource_type of their entries. */
const OTHER_MAPS = [
  ["exposures", "exposure"],
  ["metrics", "metric"],
  ["semantic_models", "semantic_model"],
  ["saved_queries", "saved_query"],
  ["unit_tests", "unit_test"],
  ["functions", "function"],
] as const;

/**
 * Reads the manifest. A 10,000-model manifest is ~90 MB, most of it tests, columns and compiled SQL;
 * validating (and copying, for loose objects) all of it cost more than the JSON.parse itself, so only the
 * fields above are copied and validated. Values that are not objects are passed to validation so it names them.
 */
export function parseDbtManifest(data: unknown): DbtManifest {
  if (!isPlainObject(data)) {
    throw new FloeError("FLOE_MANIFEST_INVALID", "expected a JSON object", { path: "(document)", hint: MANIFEST_HINT });
  }
  const metadataResult = DbtMetadataSchema.safeParse(data.metadata);
  if (!metadataResult.success) throw zodToFloeError(metadataResult.error, "FLOE_MANIFEST_INVALID", "dbt manifest", ["metadata"]);
  const schemaVersion = checkManifestVersion(metadataResult.data.dbt_schema_version);

  const manifest: DbtManifest = { metadata: metadataResult.data, schemaVersion, nodes: new Map(), sources: new Map(), others: [] };
  const nodes = objectMap(data, "nodes", true);
  for (const id of Object.keys(nodes)) {
    const node = nodes[id];
    if (!isPlainObject(node)) throw invalid(resourcePath("nodes", id), "expected an object");
    const type = node.resource_type;
    if (typeof type === "string" && !(TRANSFORM_RESOURCE_TYPES as readonly string[]).includes(type)) {
      manifest.others.push(otherResource(id, node, type, false, "nodes"));
      continue;
    }
    const part: Record<string, unknown> = {};
    for (const field of NODE_FIELDS) if (node[field] !== undefined) part[field] = node[field];
    const config = node.config;
    if (config !== undefined)
      part.config = isPlainObject(config) ? { enabled: config.enabled, materialized: config.materialized, meta: config.meta } : config;
    const dependsOn = node.depends_on;
    if (dependsOn !== undefined) part.depends_on = isPlainObject(dependsOn) ? { nodes: dependsOn.nodes } : dependsOn;
    const result = DbtNodeSchema.safeParse(part);
    if (!result.success) throw zodToFloeError(result.error, "FLOE_MANIFEST_INVALID", "dbt manifest", [resourcePath("nodes", id)]);
    manifest.nodes.set(id, result.data);
  }

  const sources = objectMap(data, "sources", false);
  for (const id of Object.keys(sources)) {
    const source = sources[id];
    if (!isPlainObject(source)) throw invalid(resourcePath("sources", id), "expected an object");
    const part: Record<string, unknown> = {};
    for (const field of SOURCE_FIELDS) if (source[field] !== undefined) part[field] = source[field];
    const result = DbtSourceSchema.safeParse(part);
    if (!result.success) throw zodToFloeError(result.error, "FLOE_MANIFEST_INVALID", "dbt manifest", [resourcePath("sources", id)]);
    manifest.sources.set(id, result.data);
  }

  for (const [key, type] of OTHER_MAPS) {
    const map = objectMap(data, key, false);
    for (const id of Object.keys(map)) {
      const entry = map[id];
      const record = isPlainObject(entry) ? entry : {};
      manifest.others.push(otherResource(id, record, typeof record.resource_type === "string" ? record.resource_type : type, false, key));
    }
  }

  // `disabled`: unique_id -> the disabled definitions (a list: one per file that defines it).
  const disabled = objectMap(data, "disabled", false);
  for (const id of Object.keys(disabled)) {
    const list = disabled[id];
    const first = Array.isArray(list) && isPlainObject(list[0]) ? list[0] : {};
    const type = typeof first.resource_type === "string" ? first.resource_type : id.split(".")[0] || "node";
    manifest.others.push(otherResource(id, first, type, true, "disabled"));
  }
  return manifest;
}

function otherResource(id: string, record: Record<string, unknown>, type: string, disabled: boolean, map: string): DbtOtherResource {
  const name = typeof record.name === "string" && record.name !== "" ? record.name : (id.split(".").pop() ?? id);
  return { unique_id: id, name, resource_type: type, disabled, map };
}

/** A top-level map of the manifest; missing (when optional) or null reads as empty. */
function objectMap(data: Record<string, unknown>, key: string, required: boolean): Record<string, unknown> {
  const value = data[key];
  if (value === undefined || (value === null && !required)) {
    if (required) throw invalid(key, "missing");
    return {};
  }
  if (!isPlainObject(value)) throw invalid(key, "expected an object");
  return value;
}

function invalid(path: string, message: string): FloeError {
  return new FloeError("FLOE_MANIFEST_INVALID", message, { path, hint: MANIFEST_HINT });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `https://schemas.getdbt.com/dbt/manifest/v12.json` → 12, refused outside v7–v12. */
export function checkManifestVersion(schemaVersion: string): number {
  const match = /\/manifest\/v(\d+)\.json$/.exec(schemaVersion);
  const version = match ? Number(match[1]) : NaN;
  if (!(SUPPORTED_MANIFEST_VERSIONS as readonly number[]).includes(version)) {
    throw new FloeError("FLOE_MANIFEST_INVALID", `manifest schema ${JSON.stringify(schemaVersion)} is not supported`, {
      path: "metadata.dbt_schema_version",
      hint: "floe reads dbt manifests v7 to v12 (dbt-core 1.3 and later); run `dbt parse` with a supported dbt",
    });
  }
  return version;
}
