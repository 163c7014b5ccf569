/**
 * Dataset namespaces and names after OpenLineage's naming conventions (spec/Naming.md and the
 * openlineage-python `naming` helpers): the namespace is the datasource, the name the table's path in it.
 */
import path from "node:path";
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { FloeError } from "../errors.js";

export interface DatasetName {
  namespace: string;
  name: string;
}

/** A table in a warehouse, described by the fields of a dbt profile output (`type`, `host`, `path`…). */
export type WarehouseProfile = Record<string, unknown> & { type: string };

function text(profile: Record<string, unknown>, key: string, fallback?: string): string {
  const value = profile[key];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return String(value);
  if (fallback !== undefined) return fallback;
  throw new FloeError("FLOE_CONFIG_INVALID", `the ${String(profile.type)} connection has no "${key}"`, {
    path: `dbt_profiles.<profile>.outputs.<target>.${key}`,
    hint: `set ${key} in the dbt profile so lineage can name the datasource`,
  });
}

/** DuckDB: `duckdb://<path>` (as the OpenLineage dbt integration writes it), `<database>.<schema>.<table>`. */
export function duckdbDataset(opts: { path: string; database?: string; schema: string; table: string }): DatasetName {
  const database = opts.database ?? duckdbDatabaseName(opts.path);
  return { namespace: `duckdb://${opts.path}`, name: `${database}.${opts.schema}.${opts.table}` };
}

/** dbt-duckdb names the database after the file (`warehouse.duckdb` → `warehouse`; `:memory:` → `memory`). */
export function duckdbDatabaseName(filePath: string): string {
  if (filePath === ":memory:" || filePath === "") return "memory";
  const base = path.basename(filePath);
  const dot = base.indexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

export function postgresDataset(opts: {
  host: string;
  port?: number | string;
  database: string;
  schema: string;
  table: string;
}): DatasetName {
  return { namespace: `postgres://${opts.host}:${opts.port ?? 5432}`, name: `${opts.database}.${opts.schema}.${opts.table}` };
}

export function mysqlDataset(opts: { host: string; port?: number | string; database: string; table: string }): DatasetName {
  return { namespace: `mysql://${opts.host}:${opts.port ?? 3306}`, name: `${opts.database}.${opts.table}` };
}

export function redshiftDataset(opts: {
  host: string;
  port?: number | string;
  database: string;
  schema: string;
  table: string;
}): DatasetName {
  return { namespace: `redshift://${opts.host}:${opts.port ?? 5439}`, name: `${opts.database}.${opts.schema}.${opts.table}` };
}

export function trinoDataset(opts: { host: string; port?: number | string; catalog: string; schema: string; table: string }): DatasetName {
  return { namespace: `trino://${opts.host}:${opts.port ?? 8080}`, name: `${opts.catalog}.${opts.schema}.${opts.table}` };
}

/** BigQuery: the namespace is always `bigquery`; the name `<project>.<dataset>.<table>`. */
export function bigqueryDataset(opts: { project: string; dataset: string; table: string }): DatasetName {
  return { namespace: "bigquery", name: `${opts.project}.${opts.dataset}.${opts.table}` };
}

/** Snowflake: `snowflake://<org>-<account>` (legacy locators get their region and cloud), `<db>.<schema>.<table>`. */
export function snowflakeDataset(opts: { account: string; database: string; schema: string; table: string }): DatasetName {
  return { namespace: `snowflake://${snowflakeAccountIdentifier(opts.account)}`, name: `${opts.database}.${opts.schema}.${opts.table}` };
}

/** Normalises a Snowflake account: `org-account` as is; a locator defaults to region us-west-1 and cloud aws. */
export function snowflakeAccountIdentifier(account: string): string {
  const parts = account.split(".");
  const first = parts[0] ?? account;
  if (first.includes("-")) return first;
  if (parts.length === 1) return `${first}.us-west-1.aws`;
  if (parts.length === 2) return `${first}.${parts[1]}.aws`;
  return account;
}

/** Names a table of the warehouse a dbt profile output describes. */
export function warehouseDataset(profile: WarehouseProfile, schema: string, table: string): DatasetName {
  const type = profile.type.toLowerCase();
  switch (type) {
    case "duckdb": {
      const file = text(profile, "path", ":memory:");
      const database = typeof profile.database === "string" ? profile.database : undefined;
      return duckdbDataset({ path: file, ...(database ? { database } : {}), schema, table });
    }
    case "postgres":
      return postgresDataset({
        host: text(profile, "host"),
        port: text(profile, "port", "5432"),
        database: text(profile, "dbname", text(profile, "database", "")),
        schema,
        table,
      });
    case "redshift":
      return redshiftDataset({
        host: text(profile, "host"),
        port: text(profile, "port", "5439"),
        database: text(profile, "dbname", text(profile, "database", "")),
        schema,
        table,
      });
    case "mysql":
      return mysqlDataset({
        host: text(profile, "server", text(profile, "host", "")),
        port: text(profile, "port", "3306"),
        database: schema,
        table,
      });
    case "trino":
      return trinoDataset({
        host: text(profile, "host"),
        port: text(profile, "port", "8080"),
        catalog: text(profile, "database"),
        schema,
        table,
      });
    case "snowflake":
      return snowflakeDataset({ account: text(profile, "account"), database: text(profile, "database"), schema, table });
    case "bigquery":
      return bigqueryDataset({ project: text(profile, "project", text(profile, "database", "")), dataset: schema, table });
    default:
      throw new FloeError("FLOE_CONFIG_INVALID", `no OpenLineage naming for warehouse type "${profile.type}"`, {
        path: "dbt_profiles.<profile>.outputs.<target>.type",
        hint: "supported: duckdb, postgres, redshift, mysql, trino, snowflake, bigquery",
      });
  }
}

/** The active dbt profile output of the artifacts (first profile, its `target`), if there is one. */
export function activeWarehouseProfile(artifacts: CompiledArtifacts): WarehouseProfile | undefined {
  const profiles = artifacts.dbt_profiles ?? {};
  for (const profile of Object.values(profiles)) {
    if (typeof profile !== "object" || profile === null) continue;
    const { target, outputs } = profile as { target?: unknown; outputs?: Record<string, unknown> };
    if (!outputs) continue;
    const chosen = typeof target === "string" ? outputs[target] : Object.values(outputs)[0];
    if (chosen && typeof chosen === "object" && typeof (chosen as { type?: unknown }).type === "string") {
      return chosen as WarehouseProfile;
    }
  }
  const compute = artifacts.plugins?.compute;
  if (compute) return { ...(compute.config ?? {}), type: compute.type };
  return undefined;
}

/** The dataset a model of the artifacts builds, named for the artifacts' warehouse. */
export function modelDataset(artifacts: CompiledArtifacts, model: { name: string; schema_name?: string | null }): DatasetName {
  const profile = activeWarehouseProfile(artifacts);
  if (!profile) {
    throw new FloeError("FLOE_CONFIG_INVALID", "the artifacts name no warehouse", {
      path: "dbt_profiles",
      hint: "add a dbt profile (or plugins.compute) so lineage can name the model's table",
    });
  }
  return profileModelDataset(profile, model);
}

/** The dataset a model builds in the warehouse of `profile` (its schema, else the profile's, else "main"). */
export function profileModelDataset(profile: WarehouseProfile, model: { name: string; schema_name?: string | null }): DatasetName {
  const schema = model.schema_name ?? (typeof profile.schema === "string" ? profile.schema : "main");
  return warehouseDataset(profile, schema, model.name);
}
