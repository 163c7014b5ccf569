/**
 * A dbt manifest → CompiledArtifacts. Pure: the same manifest content and options give the same
 * document, byte for byte (no clock, no random ids), so a committed copy can be checked for staleness.
 */
import { createHash } from "node:crypto";
import { FloeError } from "../errors.js";
import { topologicalOrder } from "../graph.js";
import type { CompiledArtifactsInput, ResolvedModel } from "../artifacts/compiled-artifacts.js";
import { parseArtifacts, type ParsedArtifacts } from "../artifacts/parse-artifacts.js";
import type { DbtManifest, DbtNode } from "./dbt-manifest.js";

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
}

const PRODUCT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

export function checkProductName(product: string, path = "--product"): void {
  if (!PRODUCT_NAME.test(product)) {
    throw new FloeError("FLOE_USAGE", `product name ${JSON.stringify(product)} is not valid`, {
      path,
      hint: "use 1 to 128 letters, digits, '_' or '-', starting with a letter",
    });
  }
}

/** Nodes that become transforms: enabled models that are not ephemeral, and seeds (data the project owns). */
function isTransformNode(node: DbtNode): boolean {
  if (node.config.enabled === false) return false;
  if (node.resource_type === "seed") return true;
  return node.resource_type === "model" && node.config.materialized !== "ephemeral";
}

function isEphemeralModel(node: DbtNode): boolean {
  return node.resource_type === "model" && node.config.materialized === "ephemeral" && node.config.enabled !== false;
}

export function artifactsFromManifest(manifest: DbtManifest, options: FromManifestOptions): ParsedArtifacts {
  checkProductName(options.product);
  const nodes = manifest.nodes;
  const selected = Object.values(nodes)
    .filter(isTransformNode)
    .sort((a, b) => rank(a) - rank(b) || compare(a.original_file_path, b.original_file_path) || compare(a.unique_id, b.unique_id));

  const nameOf = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const node of selected) {
    const other = owner.get(node.name);
    if (other !== undefined) {
      throw new FloeError("FLOE_MANIFEST_INVALID", `${node.unique_id} and ${other} share the name "${node.name}"`, {
        path: `nodes["${node.unique_id}"].name`,
        hint: "floe names transforms by model name; give models unique names across packages",
      });
    }
    owner.set(node.name, node.unique_id);
    nameOf.set(node.unique_id, node.name);
  }

  const unordered: ResolvedModel[] = selected.map((node) => ({
    name: node.name,
    compute: manifest.metadata.adapter_type ?? "dbt",
    tags: [...node.tags],
    depends_on: upstreamTransforms(node, nodes, nameOf),
    path: node.original_file_path,
    schema_name: node.schema ?? null,
    materialization: node.config.materialized ?? (node.resource_type === "seed" ? "seed" : null),
    meta: node.meta,
    description: node.description,
    unique_id: node.unique_id,
  }));

  // Upstream first (seeds, staging, marts), path order breaking ties: how a reader walks the project.
  const byName = new Map(unordered.map((m) => [m.name, m]));
  const models = topologicalOrder(unordered, "transforms.models").map((name) => byName.get(name) as ResolvedModel);

  const sourceHash = createHash("sha256")
    .update(JSON.stringify({ models, checksums: selected.map((n) => [n.unique_id, n.checksum?.checksum ?? null]) }))
    .digest("hex");
  const compiledAt = options.compiledAt ?? stringField(manifest.metadata, "generated_at") ?? "1970-01-01T00:00:00Z";
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
    transforms: { models, default_compute: manifest.metadata.adapter_type ?? "dbt" },
  };
  if (options.orchestration !== undefined) (document as Record<string, unknown>).orchestration = options.orchestration;
  if (models.length === 0) {
    throw new FloeError("FLOE_MANIFEST_INVALID", "the manifest has no enabled models or seeds", {
      path: "nodes",
      hint: "run `dbt parse` in a project with at least one enabled model",
    });
  }
  return parseArtifacts(document);
}

/** Model-to-model (and seed) edges, with ephemeral models folded into their dependants. */
function upstreamTransforms(node: DbtNode, nodes: DbtManifest["nodes"], nameOf: Map<string, string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const queue = [...node.depends_on.nodes];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const name = nameOf.get(id);
    if (name !== undefined) {
      if (!out.includes(name)) out.push(name);
      continue;
    }
    const parent = nodes[id];
    if (parent && isEphemeralModel(parent)) queue.push(...parent.depends_on.nodes);
  }
  return out;
}

function rank(node: DbtNode): number {
  return node.resource_type === "seed" ? 0 : 1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}
