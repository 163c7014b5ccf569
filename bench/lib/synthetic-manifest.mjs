#!/usr/bin/env node
// A deterministic synthetic dbt manifest (schema v12, the shape dbt-core 1.11 writes), for benchmarks.
// Same --models and --seed give the same bytes. The node templates follow, key for key, what
// `dbt parse` (dbt-core 1.11.16, dbt-duckdb 1.11.1) writes for models, seeds, sources, generic tests
// (unique, not_null, relationships), exposures and macros, so dagster-dbt and Cosmos read it as a real one.
//
// Shape: sources -> staging (one view a source table, some unions of two) -> intermediate (4 levels,
// ~10% ephemeral) -> marts (tables/incrementals in per-domain custom schemas) -> reporting marts.
// Parents are picked mostly near the child's position (domain locality) and sometimes from a few hub
// models (fan-out into the thousands at 50,000 models); marts read 2-8 parents (fan-in).
//
// CLI:  node bench/lib/synthetic-manifest.mjs --models N [--seed S] --out file
// API:  ensureManifest(n, {seed}) -> path of a cached copy under bench/.work/
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** Bump when the output changes, so cached manifests are regenerated. */
export const GENERATOR_VERSION = 1;
export const PROJECT = "bench_shop";
export const WORK_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", ".work");

const DOMAINS = ["finance", "marketing", "sales", "operations", "product", "support", "logistics", "hr"];
const ENTITIES = [
  "orders",
  "customers",
  "payments",
  "invoices",
  "shipments",
  "products",
  "sessions",
  "events",
  "accounts",
  "subscriptions",
  "refunds",
  "tickets",
  "campaigns",
  "leads",
  "inventory",
  "suppliers",
  "employees",
  "contracts",
];
const VERBS = ["joined", "enriched", "deduped", "pivoted", "aggregated", "filtered", "unioned", "scored"];
const WORDS = (
  "the of each one row per with from by for and is in daily latest current active total net gross amount count " +
  "status date key id customer order payment event source system cleaned standardised deduplicated joined grain " +
  "business logic metric revenue cost margin window rolling cohort first last updated loaded"
).split(" ");
const TAGS = ["daily", "hourly", "nightly", "pii", "core", "critical", "experimental", "finance", "marketing"];
const TYPES = ["integer", "bigint", "varchar", "timestamp", "date", "boolean", "double", "decimal(18,2)"];
const OWNERS = ["analytics", "data-eng", "finance-analytics", "growth", "platform", "bi"];

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const md5 = (s) => createHash("md5").update(s).digest("hex");
const sha256 = (s) => createHash("sha256").update(s).digest("hex");
const pad = (i, w) => String(i).padStart(w, "0");
const ref = (name) => ({ name, package: null, version: null });
const docs = () => ({ show: true, node_color: null });

/** The plan: names, layers and edges only; node bodies are built while writing (bounded memory). */
export function planManifest(models, seed = 42) {
  if (!Number.isInteger(models) || models < 10) throw new Error("--models must be an integer >= 10");
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const w = String(models).length;

  const nStaging = Math.round(models * 0.35);
  const nIntermediate = Math.round(models * 0.35);
  const nReporting = Math.round(models * 0.05);
  const nMarts = models - nStaging - nIntermediate - nReporting;
  const nSeeds = Math.max(2, Math.floor(models / 200));

  const sources = [];
  const systems = Math.max(1, Math.ceil(nStaging / 15));
  for (let i = 0; i < Math.ceil(nStaging * 0.95); i++) {
    const system = `src_${pad(i % systems, 3)}`;
    const entity = ENTITIES[i % ENTITIES.length];
    sources.push({
      id: `source.${PROJECT}.${system}.${entity}_${pad(i, w)}`,
      system,
      table: `${entity}_${pad(i, w)}`,
      entity,
      columns: int(3, 8),
      tested: rnd() < 0.4,
    });
  }
  const seeds = [];
  for (let i = 0; i < nSeeds; i++)
    seeds.push({
      id: `seed.${PROJECT}.seed_${ENTITIES[i % ENTITIES.length]}_${pad(i, w)}`,
      name: `seed_${ENTITIES[i % ENTITIES.length]}_${pad(i, w)}`,
    });

  const all = [];
  const add = (node) => {
    node.id = `model.${PROJECT}.${node.name}`;
    all.push(node);
    return node;
  };
  // Parent choice: near the child's relative position in the pool (locality), sometimes a hub.
  const choose = (pool, fraction, count) => {
    const out = new Set();
    for (let k = 0; k < count * 3 && out.size < count; k++) {
      let idx;
      if (rnd() < 0.15)
        idx = Math.floor(rnd() ** 4 * Math.min(pool.length, 50)); // hubs
      else idx = Math.min(pool.length - 1, Math.max(0, Math.floor(fraction * pool.length) + int(-60, 60)));
      out.add(pool[idx]);
    }
    return [...out];
  };

  const staging = [];
  for (let i = 0; i < nStaging; i++) {
    const src = sources[i % sources.length];
    const parents = [src.id];
    if (rnd() < 0.08) parents.push(sources[int(0, sources.length - 1)].id);
    if (rnd() < 0.05) parents.push(pick(seeds).id);
    staging.push(
      add({
        name: `stg_${src.system}__${src.entity}_${pad(i, w)}`,
        layer: "staging",
        domain: DOMAINS[i % DOMAINS.length],
        parents: [...new Set(parents)],
        columns: int(3, 8),
      }),
    );
  }
  const levels = [staging, [], [], [], []];
  for (let i = 0; i < nIntermediate; i++) {
    const level = 1 + (i % 4);
    const fraction = i / nIntermediate;
    const below = levels.slice(0, level).filter((l) => l.length > 0);
    const parents = [];
    for (const pool of [below[below.length - 1], pick(below)]) parents.push(...choose(pool, fraction, int(1, 2)));
    const domain = DOMAINS[Math.floor(fraction * DOMAINS.length)];
    const node = add({
      name: `int_${domain}__${pick(ENTITIES)}_${pick(VERBS)}_${pad(i, w)}`,
      layer: "intermediate",
      domain,
      level,
      ephemeral: rnd() < 0.1,
      parents: [...new Set(parents.map((p) => p.id))],
      columns: int(3, 6),
    });
    levels[level].push(node);
  }
  const intermediates = levels.slice(1).flat();
  const marts = [];
  for (let i = 0; i < nMarts; i++) {
    const fraction = i / nMarts;
    const domain = DOMAINS[Math.floor(fraction * DOMAINS.length)];
    const parents = [...choose(intermediates, fraction, int(1, 5)), ...choose(staging, fraction, int(0, 3))];
    const kind = rnd() < 0.5 ? "fct" : "dim";
    marts.push(
      add({
        name: `${kind}_${domain}__${pick(ENTITIES)}_${pad(i, w)}`,
        layer: "marts",
        domain,
        parents: [...new Set(parents.map((p) => p.id))],
        columns: int(4, 10),
        incremental: kind === "fct" && rnd() < 0.4,
      }),
    );
  }
  for (let i = 0; i < nReporting; i++) {
    const fraction = i / nReporting;
    const domain = DOMAINS[Math.floor(fraction * DOMAINS.length)];
    const parents = choose(marts, fraction, int(2, 6));
    add({
      name: `rpt_${domain}__${pick(ENTITIES)}_${pad(i, w)}`,
      layer: "reporting",
      domain,
      parents: [...new Set(parents.map((p) => p.id))],
      columns: int(3, 8),
    });
  }
  for (const node of all) {
    node.tags = [...new Set([node.layer, ...(rnd() < 0.4 ? [pick(TAGS)] : []), ...(rnd() < 0.1 ? [pick(TAGS)] : [])])];
    node.owner = pick(OWNERS);
    node.tier = int(1, 3);
    node.pii = rnd() < 0.15;
  }

  const byId = new Map(all.map((n) => [n.id, n]));
  const tests = [];
  const addTest = (t) => tests.push(t);
  for (const node of all) {
    if (node.ephemeral) continue;
    const pk = `${node.name.split("__")[1]?.split("_")[0] ?? "row"}_id`;
    node.pk = pk;
    if (rnd() < 0.6) {
      addTest({ kind: "unique", model: node, column: pk });
      addTest({ kind: "not_null", model: node, column: pk });
    }
    if (rnd() < 0.15) addTest({ kind: "not_null", model: node, column: "updated_at" });
    const modelParents = node.parents.map((id) => byId.get(id)).filter((p) => p && !p.ephemeral);
    if (modelParents.length > 0 && rnd() < 0.1) addTest({ kind: "relationships", model: node, column: pk, to: pick(modelParents) });
  }
  for (const src of sources) {
    if (!src.tested) continue;
    addTest({ kind: "unique", source: src, column: "id" });
    addTest({ kind: "not_null", source: src, column: "id" });
  }
  const exposures = [];
  for (let i = 0; i < Math.max(1, Math.floor(models / 500)); i++) {
    exposures.push({
      id: `exposure.${PROJECT}.dashboard_${pad(i, w)}`,
      name: `dashboard_${pad(i, w)}`,
      parents: choose(marts, i / Math.max(1, Math.floor(models / 500)), int(1, 4)).map((m) => m.id),
    });
  }
  return { models, seed, sources, seeds, nodes: all, tests, exposures };
}

function sentence(rnd, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]);
  const text = out.join(" ");
  return `${text.charAt(0).toUpperCase() + text.slice(1)}.`;
}

function columnsFor(rnd, count, pk) {
  const columns = {};
  const names = [pk, "updated_at"];
  for (let i = 2; i < count; i++) names.push(`${WORDS[Math.floor(rnd() * WORDS.length)]}_${i}`);
  for (const name of names) {
    columns[name] = {
      name,
      description: sentence(rnd, 3 + Math.floor(rnd() * 6)),
      meta: {},
      data_type: name === pk ? "bigint" : name === "updated_at" ? "timestamp" : TYPES[Math.floor(rnd() * TYPES.length)],
      constraints: [],
      quote: null,
      config: { meta: {}, tags: [] },
      tags: [],
      granularity: null,
      doc_blocks: [],
    };
  }
  return columns;
}

function modelConfig(node, materialized, schema) {
  return {
    enabled: true,
    alias: null,
    schema,
    database: null,
    tags: node.tags,
    meta: { owner: node.owner, tier: node.tier, contains_pii: node.pii },
    group: null,
    static_analysis: null,
    materialized,
    incremental_strategy: null,
    batch_size: null,
    lookback: 1,
    begin: null,
    persist_docs: {},
    "post-hook": [],
    "pre-hook": [],
    quoting: {},
    column_types: {},
    full_refresh: null,
    unique_key: materialized === "incremental" ? node.pk : null,
    on_schema_change: "ignore",
    on_configuration_change: "apply",
    grants: {},
    packages: [],
    docs: docs(),
    contract: { enforced: false, alias_types: true },
    event_time: null,
    concurrent_batches: null,
    access: "protected",
    freshness: null,
  };
}

const CREATED_AT = 1767225600; // 2026-01-01T00:00:00Z: fixed, so output is byte-stable

function modelNode(node, plan, byId, rnd) {
  const materialized = node.ephemeral
    ? "ephemeral"
    : node.layer === "staging"
      ? "view"
      : node.layer === "intermediate"
        ? rnd() < 0.5
          ? "view"
          : "table"
        : node.incremental
          ? "incremental"
          : "table";
  const customSchema = node.layer === "marts" || node.layer === "reporting" ? node.domain : null;
  const schema = customSchema ? `main_${customSchema}` : "main";
  const dir = node.layer === "staging" ? `staging/${node.name.slice(4).split("__")[0]}` : `${node.layer}/${node.domain}`;
  const pk = node.pk ?? "row_id";
  const columns = columnsFor(rnd, node.columns, pk);
  const refs = [];
  const sources = [];
  const fromLines = [];
  for (const id of node.parents) {
    if (id.startsWith("source.")) {
      const [, , system, table] = id.split(".");
      sources.push([system, table]);
      fromLines.push(`{{ source('${system}', '${table}') }}`);
    } else {
      const name = id.split(".").pop();
      refs.push(ref(name));
      fromLines.push(`{{ ref('${name}') }}`);
    }
  }
  const select = Object.keys(columns)
    .map((c) => `    t0.${c}`)
    .join(",\n");
  const joins = fromLines
    .slice(1)
    .map((f, i) => `left join ${f} as t${i + 1}\n    on t0.${pk} = t${i + 1}.${pk}`)
    .join("\n");
  const head = materialized === "incremental" ? `{{ config(materialized='incremental', unique_key='${pk}') }}\n\n` : "";
  const tail =
    materialized === "incremental"
      ? `\n{% if is_incremental() %}\nwhere t0.updated_at > (select max(updated_at) from {{ this }})\n{% endif %}`
      : "";
  const rawCode = `${head}-- ${sentence(rnd, 10)}\nwith base as (\n  select * from ${fromLines[0]}\n)\nselect\n${select}\nfrom base as t0\n${joins}${tail}\n`;
  const config = modelConfig(node, materialized, customSchema);
  const unrendered = { materialized, tags: node.tags.slice(1), meta: config.meta };
  if (customSchema) unrendered.schema = customSchema;
  if (materialized === "incremental") unrendered.unique_key = pk;
  return {
    database: PROJECT,
    schema,
    name: node.name,
    resource_type: "model",
    package_name: PROJECT,
    path: `${dir}/${node.name}.sql`,
    original_file_path: `models/${dir}/${node.name}.sql`,
    unique_id: node.id,
    fqn: [PROJECT, ...dir.split("/"), node.name],
    alias: node.name,
    checksum: { name: "sha256", checksum: sha256(rawCode) },
    config,
    tags: node.tags,
    description: sentence(rnd, 8 + Math.floor(rnd() * 14)),
    columns,
    meta: config.meta,
    group: null,
    docs: docs(),
    patch_path: `${PROJECT}://models/${dir}/_${node.layer}__models.yml`,
    build_path: null,
    unrendered_config: unrendered,
    created_at: CREATED_AT,
    relation_name: materialized === "ephemeral" ? null : `"${PROJECT}"."${schema}"."${node.name}"`,
    raw_code: rawCode,
    doc_blocks: [],
    language: "sql",
    refs,
    sources,
    metrics: [],
    functions: [],
    depends_on: { macros: materialized === "incremental" ? ["macro.dbt.is_incremental"] : [], nodes: node.parents },
    compiled_path: null,
    contract: { enforced: false, alias_types: true, checksum: null },
    access: "protected",
    constraints: [],
    version: null,
    latest_version: null,
    deprecation_date: null,
    primary_key: [pk],
    time_spine: null,
  };
}

function seedNode(seed) {
  return {
    database: PROJECT,
    schema: "main",
    name: seed.name,
    resource_type: "seed",
    package_name: PROJECT,
    path: `${seed.name}.csv`,
    original_file_path: `seeds/${seed.name}.csv`,
    unique_id: seed.id,
    fqn: [PROJECT, seed.name],
    alias: seed.name,
    checksum: { name: "sha256", checksum: sha256(seed.name) },
    config: {
      enabled: true,
      alias: null,
      schema: null,
      database: null,
      tags: [],
      meta: {},
      group: null,
      static_analysis: null,
      materialized: "seed",
      incremental_strategy: null,
      batch_size: null,
      lookback: 1,
      begin: null,
      persist_docs: {},
      "post-hook": [],
      "pre-hook": [],
      quoting: {},
      column_types: {},
      full_refresh: null,
      unique_key: null,
      on_schema_change: "ignore",
      on_configuration_change: "apply",
      grants: {},
      packages: [],
      docs: docs(),
      contract: { enforced: false, alias_types: true },
      event_time: null,
      concurrent_batches: null,
      delimiter: ",",
      quote_columns: null,
    },
    tags: [],
    description: `Reference data: ${seed.name}.`,
    columns: {},
    meta: {},
    group: null,
    docs: docs(),
    patch_path: null,
    build_path: null,
    unrendered_config: {},
    created_at: CREATED_AT,
    relation_name: `"${PROJECT}"."main"."${seed.name}"`,
    raw_code: "",
    doc_blocks: [],
    root_path: `/srv/${PROJECT}`,
    depends_on: { macros: [] },
  };
}

function testName(t) {
  if (t.source) return `source_${t.kind}_${t.source.system}_${t.source.table}_${t.column}`;
  if (t.kind === "relationships") return `relationships_${t.model.name}_${t.column}__${t.column}__ref_${t.to.name}_`;
  return `${t.kind}_${t.model.name}_${t.column}`;
}

function testNode(t) {
  const name = testName(t);
  const id = `test.${PROJECT}.${name}.${md5(name).slice(0, 10)}`;
  const target = t.source ? `source('${t.source.system}', '${t.source.table}')` : `ref('${t.model.name}')`;
  const kwargs = { column_name: t.column, model: `{{ get_where_subquery(${target}) }}` };
  let nodes = [t.source ? t.source.id : t.model.id];
  let refs = t.source ? [] : [ref(t.model.name)];
  const macros = [`macro.dbt.test_${t.kind}`];
  if (t.kind === "relationships") {
    Object.assign(kwargs, { to: `ref('${t.to.name}')`, field: t.column });
    nodes = [t.to.id, t.model.id];
    refs = [ref(t.to.name), ref(t.model.name)];
    macros.push("macro.dbt.get_where_subquery");
  }
  const fileDir = t.source ? "staging" : t.model.layer;
  return {
    id,
    body: {
      database: PROJECT,
      schema: "main_dbt_test__audit",
      name,
      resource_type: "test",
      package_name: PROJECT,
      path: `${name}.sql`,
      original_file_path: `models/${fileDir}/_${fileDir}__models.yml`,
      unique_id: id,
      fqn: [PROJECT, fileDir, name],
      alias: name,
      checksum: { name: "none", checksum: "" },
      config: {
        enabled: true,
        alias: null,
        schema: "dbt_test__audit",
        database: null,
        tags: [],
        meta: {},
        group: null,
        static_analysis: null,
        materialized: "test",
        severity: "ERROR",
        store_failures: null,
        store_failures_as: null,
        where: null,
        limit: null,
        fail_calc: "count(*)",
        warn_if: "!= 0",
        error_if: "!= 0",
      },
      tags: [],
      description: "",
      columns: {},
      meta: {},
      group: null,
      docs: docs(),
      patch_path: null,
      build_path: null,
      unrendered_config: {},
      created_at: CREATED_AT,
      relation_name: null,
      raw_code: `{{ test_${t.kind}(**_dbt_generic_test_kwargs) }}`,
      doc_blocks: [],
      language: "sql",
      refs,
      sources: t.source ? [[t.source.system, t.source.table]] : [],
      metrics: [],
      functions: [],
      depends_on: { macros, nodes },
      compiled_path: null,
      contract: { enforced: false, alias_types: true, checksum: null },
      column_name: t.column,
      file_key_name: t.source ? `sources.${t.source.system}` : `models.${t.model.name}`,
      attached_node: t.source ? null : t.model.id,
      test_metadata: { name: t.kind, kwargs, namespace: null },
    },
  };
}

function sourceNode(src, rnd) {
  const freshness = { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null };
  const meta = { owner: "ingest", loader: src.system };
  return {
    database: PROJECT,
    schema: `raw_${src.system}`,
    name: src.table,
    resource_type: "source",
    package_name: PROJECT,
    path: `models/staging/${src.system}/_${src.system}__sources.yml`,
    original_file_path: `models/staging/${src.system}/_${src.system}__sources.yml`,
    unique_id: src.id,
    fqn: [PROJECT, "staging", src.system, src.system, src.table],
    source_name: src.system,
    source_description: `Tables loaded from ${src.system}.`,
    loader: "",
    identifier: src.table,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: null,
    loaded_at_query: null,
    freshness,
    external: null,
    description: sentence(rnd, 8 + Math.floor(rnd() * 10)),
    columns: columnsFor(rnd, src.columns, "id"),
    meta,
    source_meta: meta,
    tags: ["raw"],
    config: {
      enabled: true,
      event_time: null,
      freshness,
      loaded_at_field: null,
      loaded_at_query: null,
      meta,
      tags: ["raw"],
      static_analysis: null,
    },
    patch_path: null,
    unrendered_config: { loaded_at_field: null, loaded_at_query: null, meta, tags: ["raw"] },
    relation_name: `"${PROJECT}"."raw_${src.system}"."${src.table}"`,
    created_at: CREATED_AT,
    unrendered_database: null,
    unrendered_schema: `raw_${src.system}`,
    doc_blocks: [],
  };
}

function exposureNode(e, rnd) {
  return {
    name: e.name,
    resource_type: "exposure",
    package_name: PROJECT,
    path: "marts/exposures.yml",
    original_file_path: "models/marts/exposures.yml",
    unique_id: e.id,
    fqn: [PROJECT, "marts", e.name],
    type: "dashboard",
    owner: { email: "bi@example.com", name: "BI team" },
    description: sentence(rnd, 10),
    label: null,
    maturity: "high",
    meta: {},
    tags: ["bi"],
    config: { enabled: true, tags: ["bi"], meta: {} },
    unrendered_config: {},
    url: `https://bi.example.com/d/${e.name}`,
    depends_on: { macros: [], nodes: e.parents },
    refs: e.parents.map((id) => ref(id.split(".").pop())),
    sources: [],
    metrics: [],
    created_at: CREATED_AT,
  };
}

/** dbt's own and the adapter's macros: a real project carries ~500 of them whatever its size. */
function macroNodes(rnd) {
  const named = ["test_unique", "test_not_null", "test_relationships", "test_accepted_values", "get_where_subquery", "is_incremental"];
  const names = [...named.map((n) => ["dbt", n])];
  for (let i = 0; names.length < 500; i++) names.push([i % 3 === 0 ? "dbt_duckdb" : "dbt", `bench_macro_${pad(i, 3)}`]);
  const out = {};
  for (const [pkg, name] of names) {
    const id = `macro.${pkg}.${name}`;
    const body = Array.from({ length: 6 + Math.floor(rnd() * 20) }, () => `  {# ${sentence(rnd, 6)} #}`).join("\n");
    out[id] = {
      name,
      resource_type: "macro",
      package_name: pkg,
      path: `macros/${name}.sql`,
      original_file_path: `macros/${name}.sql`,
      unique_id: id,
      macro_sql: `{% macro ${name}() %}\n${body}\n{% endmacro %}`,
      depends_on: { macros: [] },
      description: "",
      meta: {},
      docs: docs(),
      config: { meta: {}, docs: docs() },
      patch_path: null,
      arguments: [],
      created_at: CREATED_AT,
      supported_languages: null,
    };
  }
  return out;
}

/** Streams the manifest to `file` (bounded memory: one node in memory at a time). Returns counts. */
export function writeManifest(plan, file) {
  const rnd = mulberry32(plan.seed * 7919 + 1);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const tmp = `${file}.tmp-${process.pid}`;
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const fd = openSync(tmp, "w");
  let buffer = "";
  const put = (s) => {
    buffer += s;
    if (buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = "";
    }
  };
  const parentMap = new Map();
  const childMap = new Map();
  const link = (child, parents) => {
    parentMap.set(child, parents);
    if (!childMap.has(child)) childMap.set(child, []);
    for (const p of parents) {
      if (!childMap.has(p)) childMap.set(p, []);
      childMap.get(p).push(child);
    }
  };
  const invocation = md5(`bench-${plan.models}-${plan.seed}`);
  const metadata = {
    dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json",
    dbt_version: "1.11.16",
    generated_at: "2026-01-01T00:00:00.000000Z",
    invocation_id: `${invocation.slice(0, 8)}-${invocation.slice(8, 12)}-${invocation.slice(12, 16)}-${invocation.slice(16, 20)}-${invocation.slice(20, 32)}`,
    invocation_started_at: "2026-01-01T00:00:00.000000Z",
    env: {},
    project_name: PROJECT,
    project_id: md5(PROJECT),
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: "duckdb",
    quoting: { database: true, schema: true, identifier: true, column: null },
    run_started_at: "2026-01-01T00:00:00.000000+00:00",
  };
  put(`{"metadata":${JSON.stringify(metadata)},"nodes":{`);
  let first = true;
  const entry = (id, body) => {
    put(`${first ? "" : ","}${JSON.stringify(id)}:${JSON.stringify(body)}`);
    first = false;
  };
  for (const node of plan.nodes) {
    // tests must know the pk before the model body is built
    if (!node.pk && !node.ephemeral) node.pk = "row_id";
    entry(node.id, modelNode(node, plan, byId, rnd));
    link(node.id, node.parents);
  }
  for (const seed of plan.seeds) {
    entry(seed.id, seedNode(seed));
    link(seed.id, []);
  }
  for (const t of plan.tests) {
    const { id, body } = testNode(t);
    entry(id, body);
    link(id, body.depends_on.nodes);
  }
  put(`},"sources":{`);
  first = true;
  for (const src of plan.sources) {
    entry(src.id, sourceNode(src, rnd));
    link(src.id, []);
  }
  put(`},"macros":${JSON.stringify(macroNodes(rnd))}`);
  put(`,"docs":{},"exposures":{`);
  first = true;
  for (const e of plan.exposures) {
    entry(e.id, exposureNode(e, rnd));
    link(e.id, e.parents);
  }
  put(`},"metrics":{},"groups":{},"selectors":{},"disabled":{},"parent_map":{`);
  first = true;
  for (const [id, parents] of parentMap) entry(id, parents);
  put(`},"child_map":{`);
  first = true;
  for (const [id, children] of childMap) entry(id, [...children].sort());
  put(`},"group_map":{},"saved_queries":{},"semantic_models":{},"unit_tests":{},"functions":{}}`);
  writeSync(fd, buffer);
  closeSync(fd);
  renameSync(tmp, file);
  return {
    models: plan.nodes.length,
    seeds: plan.seeds.length,
    sources: plan.sources.length,
    tests: plan.tests.length,
    exposures: plan.exposures.length,
    bytes: statSync(file).size,
  };
}

/** Path of the cached manifest for `models` (generated on first use). */
export function ensureManifest(models, { seed = 42 } = {}) {
  const file = join(WORK_DIR, "manifests", `manifest-v${GENERATOR_VERSION}-s${seed}-${models}.json`);
  if (!existsSync(file)) writeManifest(planManifest(models, seed), file);
  return file;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { models: { type: "string" }, seed: { type: "string", default: "42" }, out: { type: "string" } },
  });
  if (!values.models || !values.out) {
    console.error("usage: node bench/lib/synthetic-manifest.mjs --models N [--seed S] --out file");
    process.exit(2);
  }
  const started = performance.now();
  const counts = writeManifest(planManifest(Number(values.models), Number(values.seed)), values.out);
  console.log(JSON.stringify({ ...counts, out: values.out, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) }));
}
