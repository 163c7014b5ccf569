/**
 * A dbt manifest → CompiledArtifacts. Pure: the same manifest content and options give the same
 * document, byte for byte (no clock, no random ids), so a committed copy can be checked for staleness.
 * Every resource of the manifest is either a transform (models, seeds, snapshots), run with one
 * (data and unit tests: `dbt build` runs them with the models they test), read as an edge or a lineage
 * input (ephemeral models, sources), or listed in the report as not orchestrated.
 */
import { createHash } from "node:crypto";
import { FloeError } from "../errors.js";
import { topologicalOrder } from "../graph.js";
import {
  MODEL_RUN_SETTING_KEYS,
  ModelRunSettingsSchema,
  type CompiledArtifactsInput,
  type ModelRunSettings,
  type ResolvedModel,
  type SourceFreshness,
  type SourceRef,
} from "../artifacts/compiled-artifacts.js";
import { parseArtifacts, zodToFloeError, type ParsedArtifacts } from "../artifacts/parse-artifacts.js";
import { resourcePath, type DbtManifest, type DbtNode, type DbtSource } from "./dbt-manifest.js";

/** The CompiledArtifacts version from-dbt writes. */
export const FROM_DBT_ARTIFACTS_VERSION = "0.10.0";

export interface FromManifestOptions {
  /** Product name: letters, digits, `_` and `-`, starting with a letter (it names the default job). */
  product: string;
  productVersion?: string;
  /** ISO-8601 instant for metadata.compiled_at; defaults to the manifest's own generated_at. */
  compiledAt?: string;
  /** The floe version recorded in metadata.floe_version. */
  floeVersion: string;
  /** floe's `orchestration` extension (named jobs and schedules), copied as is and validated. */
  orchestration?: unknown;
  /** Refuse (FLOE_MANIFEST_NOT_ORCHESTRATED) a manifest holding anything that is not orchestrated. */
  strict?: boolean;
}

/** Resources of one kind that no task or asset builds, and why. */
export interface NotOrchestrated {
  kind: string;
  reason: string;
  resources: Array<{ unique_id: string; name: string; path: string }>;
}

export interface FromManifestReport {
  /** Data tests and unit tests: `dbt build` runs them with the models they test. */
  tests: { data: number; unit: number };
  notOrchestrated: NotOrchestrated[];
}

export type FromManifestResult = ParsedArtifacts & { report: FromManifestReport };

const PRODUCT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
// C0 and C1 controls (NUL, newline, escape…): dbt accepts some in names; no orchestrator should see them.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

export function checkProductName(product: string, path = "--product"): void {
  if (!PRODUCT_NAME.test(product)) {
    throw new FloeError("FLOE_USAGE", `product name ${JSON.stringify(product)} is not valid`, {
      path,
      hint: "use 1 to 128 letters, digits, '_' or '-', starting with a letter",
    });
  }
}

const isEnabled = (node: DbtNode): boolean => node.config.enabled !== false;
const isEphemeral = (node: DbtNode): boolean => node.resource_type === "model" && node.config.materialized === "ephemeral";
/** Nodes that become transforms: enabled seeds, snapshots, and models that are not ephemeral. */
const isTransformNode = (node: DbtNode): boolean => isEnabled(node) && !isEphemeral(node);

/**
 * The transform's name: the node's name, or for a versioned model `<name>.v<version>` (its unique_id
 * without `model.<package>.`), which is how dbt's `--select` picks exactly that version.
 */
export function transformName(node: Pick<DbtNode, "name" | "version">): string {
  return node.version === null || node.version === undefined ? node.name : `${node.name}.v${String(node.version)}`;
}

export function artifactsFromManifest(manifest: DbtManifest, options: FromManifestOptions): FromManifestResult {
  checkProductName(options.product);
  const nodes = manifest.nodes;
  const selected = [...nodes.values()]
    .filter(isTransformNode)
    .sort((a, b) => rank(a) - rank(b) || compare(a.original_file_path, b.original_file_path) || compare(a.unique_id, b.unique_id));

  const nameOf = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const node of selected) {
    const name = transformName(node);
    if (CONTROL.test(name)) {
      throw new FloeError("FLOE_MANIFEST_INVALID", `${node.resource_type} name ${JSON.stringify(name)} contains a control character`, {
        path: `nodes[${JSON.stringify(node.unique_id)}].name`,
        hint: "rename it: control characters (NUL, newline, escape…) have no place in a table or task name",
      });
    }
    const other = owner.get(name);
    if (other !== undefined) {
      throw new FloeError("FLOE_MANIFEST_INVALID", `${node.unique_id} and ${other} share the name "${name}"`, {
        path: `nodes[${JSON.stringify(node.unique_id)}].name`,
        hint: "floe names transforms by model name; give models unique names across packages",
      });
    }
    owner.set(name, node.unique_id);
    nameOf.set(node.unique_id, name);
  }

  const compute = manifest.metadata.adapter_type ?? "dbt";
  const unordered: ResolvedModel[] = selected.map((node) => {
    const name = nameOf.get(node.unique_id) as string;
    const upstream = upstreamOf(node, nodes, manifest.sources, nameOf);
    const model: ResolvedModel = {
      name,
      compute,
      tags: [...node.tags],
      depends_on: upstream.transforms,
      path: node.original_file_path,
      schema_name: node.schema ?? null,
      materialization: node.resource_type === "model" ? (node.config.materialized ?? null) : node.resource_type,
      meta: node.meta,
      description: node.description,
      unique_id: node.unique_id,
    };
    if (node.alias && node.alias !== name) model.alias = node.alias;
    if (upstream.sources.length > 0) model.sources = upstream.sources;
    const settings = runSettingsOf(node);
    if (settings !== null) model.run_settings = settings;
    return model;
  });

  // Upstream first (seeds, staging, marts), path order breaking ties: how a reader walks the project.
  const byName = new Map(unordered.map((m) => [m.name, m]));
  const models = topologicalOrder(unordered, "transforms.models").map((name) => byName.get(name) as ResolvedModel);

  const report = reportOf(manifest);
  if (options.strict) refuseNotOrchestrated(report);
  if (models.length === 0) {
    throw new FloeError("FLOE_MANIFEST_INVALID", "the manifest has no enabled models, seeds or snapshots", {
      path: "nodes",
      hint: "run `dbt parse` in a project with at least one enabled model",
    });
  }

  const sourceHash = createHash("sha256")
    .update(JSON.stringify({ models, checksums: selected.map((n) => [n.unique_id, n.checksum?.checksum ?? null]) }))
    .digest("hex");
  const compiledAt = options.compiledAt ?? nonEmpty(manifest.metadata.generated_at) ?? "1970-01-01T00:00:00Z";
  const document: CompiledArtifactsInput = {
    version: FROM_DBT_ARTIFACTS_VERSION,
    metadata: {
      compiled_at: compiledAt,
      floe_version: options.floeVersion,
      source_hash: sourceHash,
      product_name: options.product,
      product_version: options.productVersion ?? "0.1.0",
    },
    identity: { product_id: options.product, domain: "default", repository: "" },
    mode: "simple",
    observability: { lineage: true, lineage_namespace: options.product },
    transforms: { models, default_compute: compute },
  };
  if (options.orchestration !== undefined) (document as Record<string, unknown>).orchestration = options.orchestration;
  return { ...parseArtifacts(document), report };
}

/**
 * The model's run settings from dbt meta `floe` (`meta: {floe: {...}}` or `config: {meta: {floe: {...}}}`,
 * the latter winning key by key), validated: an unknown key or a bad value is FLOE_MANIFEST_INVALID
 * naming the model and the field. Null when the model sets none.
 */
export function runSettingsOf(node: Pick<DbtNode, "unique_id" | "meta" | "config">): ModelRunSettings | null {
  const places = [
    { path: "meta.floe", value: node.meta.floe },
    { path: "config.meta.floe", value: node.config.meta?.floe },
  ];
  const merged: Record<string, unknown> = {};
  let found = false;
  for (const { path, value } of places) {
    if (value === undefined || value === null) continue;
    const where = `${resourcePath("nodes", node.unique_id)}.${path}`;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new FloeError("FLOE_MANIFEST_INVALID", `${node.unique_id}: meta floe must be a mapping of run settings`, {
        path: where,
        hint: `e.g. meta: {floe: {retries: 3, retry_delay_seconds: 60}}; the keys are ${MODEL_RUN_SETTING_KEYS.join(", ")}`,
      });
    }
    const result = ModelRunSettingsSchema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const unknown = issue?.code === "unrecognized_keys" ? issue.keys : [];
      const error = zodToFloeError(result.error, "FLOE_MANIFEST_INVALID", "dbt project", [where, ...unknown.slice(0, 1)]);
      throw new FloeError("FLOE_MANIFEST_INVALID", `${node.unique_id}: ${error.message}`, {
        path: error.path,
        hint:
          unknown.length > 0
            ? `the keys floe reads are ${MODEL_RUN_SETTING_KEYS.join(", ")}`
            : `fix it in the model's meta (or config.meta) and run dbt parse again`,
        cause: error,
      });
    }
    for (const [key, v] of Object.entries(result.data)) if (v !== undefined && v !== null) merged[key] = v;
    found = true;
  }
  if (!found) return null;
  // Keys in a fixed order: the artifacts are byte-for-byte reproducible.
  return Object.fromEntries(MODEL_RUN_SETTING_KEYS.filter((k) => k in merged).map((k) => [k, merged[k]])) as ModelRunSettings;
}

/**
 * Transform edges (with ephemeral models folded into their dependants, as dbt inlines them) and the
 * sources the node reads, directly or through ephemeral models. Disabled parents are not edges.
 */
function upstreamOf(
  node: DbtNode,
  nodes: DbtManifest["nodes"],
  sources: DbtManifest["sources"],
  nameOf: Map<string, string>,
): { transforms: string[]; sources: SourceRef[] } {
  const transforms: string[] = [];
  const read: SourceRef[] = [];
  const seen = new Set<string>();
  const queue = [...node.depends_on.nodes];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const name = nameOf.get(id);
    if (name !== undefined) {
      if (!transforms.includes(name)) transforms.push(name);
      continue;
    }
    const source = sources.get(id);
    if (source !== undefined) {
      read.push(sourceRef(source));
      continue;
    }
    const parent = nodes.get(id);
    if (parent && isEnabled(parent) && isEphemeral(parent)) queue.push(...parent.depends_on.nodes);
  }
  return { transforms, sources: read };
}

function sourceRef(source: DbtSource): SourceRef {
  const ref: SourceRef = { unique_id: source.unique_id, source_name: source.source_name, name: source.name };
  if (source.database) ref.database = source.database;
  if (source.schema) ref.schema = source.schema;
  if (source.identifier && source.identifier !== source.name) ref.identifier = source.identifier;
  const freshness = sourceFreshness(source);
  if (freshness) {
    ref.freshness = freshness;
    if (source.loaded_at_field) ref.loaded_at_field = source.loaded_at_field;
  }
  return ref;
}

const NAMES_SHOWN = 5;

/** Kind → why it is not orchestrated, in the order the report lists them. */
const NOT_ORCHESTRATED: ReadonlyArray<readonly [string, string]> = [
  ["ephemeral model", "dbt inlines them into the models that select from them; their edges are kept"],
  ["disabled", "disabled in the dbt project (`enabled: false`), so dbt does not build them either"],
  ["analysis", "analyses are only compiled by dbt, never run"],
  ["operation", "project hooks (on-run-start/end) run with every dbt invocation, not as tasks of their own"],
  ["exposure", "exposures describe downstream uses; there is nothing to build"],
  ["metric", "semantic-layer definitions are served by MetricFlow, not built"],
  ["semantic_model", "semantic-layer definitions are served by MetricFlow, not built"],
  ["saved_query", "semantic-layer definitions are served by MetricFlow, not built"],
  ["function", "user-defined functions are not orchestrated by floe; create them with `dbt build --select resource_type:function`"],
];

/** What `dbt build` runs with the models (tests) and what nothing builds, by kind. */
export function reportOf(manifest: DbtManifest): FromManifestReport {
  const tests = { data: 0, unit: 0 };
  const byKind = new Map<string, NotOrchestrated["resources"]>();
  const add = (kind: string, resource: NotOrchestrated["resources"][number]): void => {
    const list = byKind.get(kind);
    if (list) list.push(resource);
    else byKind.set(kind, [resource]);
  };
  for (const [id, node] of manifest.nodes) {
    const kind = !isEnabled(node) ? "disabled" : isEphemeral(node) ? "ephemeral model" : null;
    if (kind !== null) add(kind, { unique_id: node.unique_id, name: transformName(node), path: resourcePath("nodes", id) });
  }
  for (const other of manifest.others) {
    const type = other.resource_type;
    const isTest = type === "test" || type === "unit_test";
    if (!other.disabled && type === "test") tests.data += 1;
    else if (!other.disabled && type === "unit_test") tests.unit += 1;
    else if (!(other.disabled && isTest)) {
      const kind = other.disabled ? "disabled" : type === "sql_operation" || type === "rpc" ? "operation" : type;
      add(kind, { unique_id: other.unique_id, name: other.name, path: resourcePath(other.map, other.unique_id) });
    }
  }
  const known = new Map(NOT_ORCHESTRATED);
  const kinds = [...NOT_ORCHESTRATED.map(([kind]) => kind), ...[...byKind.keys()].filter((k) => !known.has(k)).sort()];
  const notOrchestrated = kinds.flatMap((kind) => {
    const resources = byKind.get(kind);
    if (!resources) return [];
    resources.sort((a, b) => compare(a.unique_id, b.unique_id));
    return [{ kind, reason: known.get(kind) ?? "a dbt resource type floe does not know", resources }];
  });
  return { tests, notOrchestrated };
}

/** The report as stderr lines: one for the tests, one per kind not orchestrated (names capped). */
export function formatReport(report: FromManifestReport): string[] {
  const lines: string[] = [];
  const { data, unit } = report.tests;
  if (data + unit > 0) {
    const counts = [data > 0 ? plural(data, "data test") : "", unit > 0 ? plural(unit, "unit test") : ""].filter(Boolean).join(" and ");
    lines.push(`floe: tests: ${counts} run with the models they test (dbt build)`);
  }
  for (const group of report.notOrchestrated) {
    const names = group.resources.slice(0, NAMES_SHOWN).map((r) => printable(r.name));
    const more = group.resources.length > NAMES_SHOWN ? `, … ${group.resources.length - NAMES_SHOWN} more` : "";
    const kind = group.kind === "disabled" ? "disabled node" : group.kind.replace("_", " ");
    lines.push(`floe: not orchestrated: ${plural(group.resources.length, kind)} (${names.join(", ")}${more}): ${group.reason}`);
  }
  return lines;
}

function refuseNotOrchestrated(report: FromManifestReport): void {
  const first = report.notOrchestrated[0]?.resources[0];
  if (first === undefined) return;
  const counts = report.notOrchestrated
    .map((g) => plural(g.resources.length, g.kind === "disabled" ? "disabled node" : g.kind.replace("_", " ")))
    .join(", ");
  throw new FloeError("FLOE_MANIFEST_NOT_ORCHESTRATED", `--strict: the manifest holds resources floe would not orchestrate: ${counts}`, {
    path: first.path,
    hint: "run without --strict to write the artifacts anyway (stderr lists each kind and why), or remove them from the dbt project",
  });
}

/** A name as one line of stderr: control characters escaped. */
function printable(name: string): string {
  return name.replace(new RegExp(CONTROL.source, "gu"), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function plural(n: number, word: string): string {
  if (n === 1) return `1 ${word}`;
  if (word === "analysis") return `${n} analyses`;
  const plural = word.endsWith("y") && !word.endsWith("ey") ? `${word.slice(0, -1)}ies` : word.endsWith("s") ? `${word}es` : `${word}s`;
  return `${n} ${plural}`;
}

function rank(node: DbtNode): number {
  return node.resource_type === "seed" ? 0 : 1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** dbt's `freshness` of a source when it sets a warn or error threshold (dbt checks nothing otherwise). */
function sourceFreshness(source: DbtSource): SourceFreshness | null {
  type Threshold = NonNullable<SourceFreshness["warn_after"]>;
  const threshold = (t: { count?: number | null; period?: string | null } | null | undefined): Threshold | null =>
    t && typeof t.count === "number" && t.count > 0 && (t.period === "minute" || t.period === "hour" || t.period === "day")
      ? { count: t.count, period: t.period }
      : null;
  const warn = threshold(source.freshness?.warn_after);
  const error = threshold(source.freshness?.error_after);
  if (!warn && !error) return null;
  const result: SourceFreshness = {};
  if (warn) result.warn_after = warn;
  if (error) result.error_after = error;
  if (source.freshness?.filter) result.filter = source.freshness.filter;
  return result;
}
