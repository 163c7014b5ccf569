/**
 * The Python requirements a generated output declares: the compatible ranges of the versions floe's
 * real-orchestrator tests pin (python/<tool>/requirements.txt), and the dbt adapter the artifacts name.
 * Pure: the plugins pass their tested pins in.
 */
import type { CompiledArtifacts } from "../artifacts/compiled-artifacts.js";
import { FloeError } from "../errors.js";

/** `name==X.Y.Z` → `name>=X.Y,<X.(Y+1)`: the release line that was tested, any patch of it. */
export function compatibleRange(pin: string): string {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\d+)\.(\d+)(?:\.\d+)?$/.exec(pin.trim());
  if (!match) throw new FloeError("FLOE_INTERNAL", `"${pin}" is not an exact pin like name==1.2.3`);
  const [, name, major, minor] = match;
  return `${name}>=${major}.${minor},<${major}.${Number(minor) + 1}`;
}

/** dbt adapter package of each compute type floe knows (dbt-<type> unless the name differs). */
export const DBT_ADAPTER_PACKAGES: Readonly<Record<string, string>> = {
  duckdb: "dbt-duckdb",
  postgres: "dbt-postgres",
  snowflake: "dbt-snowflake",
  bigquery: "dbt-bigquery",
  redshift: "dbt-redshift",
  databricks: "dbt-databricks",
  spark: "dbt-spark",
  trino: "dbt-trino",
  clickhouse: "dbt-clickhouse",
  sqlserver: "dbt-sqlserver",
  fabric: "dbt-fabric",
  athena: "dbt-athena-community",
};

export interface DbtAdapterRequirement {
  /** The compute type the artifacts name (plugins.compute.type, else transforms.default_compute). */
  computeType: string | null;
  /** Its adapter package, or null when floe does not know it. */
  package: string | null;
}

export function dbtAdapterOf(artifacts: CompiledArtifacts): DbtAdapterRequirement {
  const computeType =
    artifacts.plugins?.compute?.type ?? artifacts.transforms?.default_compute ?? artifacts.transforms?.models[0]?.compute ?? null;
  const key = computeType?.trim().toLowerCase() ?? null;
  return { computeType, package: key !== null ? (DBT_ADAPTER_PACKAGES[key] ?? null) : null };
}

/** The warning `floe generate` prints when the artifacts name an adapter floe does not know (null otherwise). */
export function dbtAdapterWarning(artifacts: CompiledArtifacts): string | null {
  const adapter = dbtAdapterOf(artifacts);
  if (adapter.package !== null) return null;
  return adapter.computeType === null
    ? "requirements.txt names no dbt adapter: the artifacts name no compute; add dbt-<your warehouse> to it"
    : `requirements.txt names no dbt adapter: floe does not know the compute ${JSON.stringify(adapter.computeType)}; add its dbt adapter package to it`;
}

export interface RequirementsInput {
  /** First comment line: what generated the file. */
  generatedBy: string;
  /** Exact pins the plugin's real-orchestrator tests ran with (lines of python/<tool>/requirements.txt). */
  testedPins: ReadonlyArray<string>;
  /** Packages of testedPins the generated code needs at run time, in output order. */
  packages: ReadonlyArray<string>;
  /** Packages that may be left out: the code degrades to a warning without them. */
  optional?: Readonly<Record<string, string>>;
  /** The floe-runtime requirement line the generated code imports (floeRuntimeRequirement). */
  runtime: string;
  artifacts: CompiledArtifacts;
}

/** requirements.txt for a generated output. */
export function renderRequirements(input: RequirementsInput): string {
  const pins = new Map(
    input.testedPins.map((pin) => {
      const name = pin.split("==")[0]!.trim().toLowerCase();
      return [name, pin] as const;
    }),
  );
  const rangeOf = (name: string): string => {
    const pin = pins.get(name.toLowerCase());
    if (!pin) throw new FloeError("FLOE_INTERNAL", `no tested pin for ${name}`);
    return compatibleRange(pin);
  };
  const lines = [
    `# ${input.generatedBy}`,
    "# The release lines floe's tests ran this code with (any patch release of each); install with",
    "# `pip install -r requirements.txt`. Do not edit: run `floe generate` again.",
  ];
  for (const name of input.packages) {
    const why = input.optional?.[name];
    if (why) lines.push(`# optional: ${why}`);
    lines.push(rangeOf(name));
  }
  lines.push(
    "# floe-runtime: the Python package the generated files import, shipped in this output (wheels/) and named",
    "# by its path, never looked up on a package index. pip resolves the path against its working directory:",
    "# run pip here (the Dockerfile's WORKDIR).",
    input.runtime,
  );
  const adapter = dbtAdapterOf(input.artifacts);
  if (adapter.package === null) {
    lines.push(
      adapter.computeType === null
        ? "# dbt adapter: the artifacts name no compute; add your warehouse's dbt adapter (dbt-<warehouse>) here."
        : `# dbt adapter: floe does not know the compute ${JSON.stringify(adapter.computeType)}; add its dbt adapter package here.`,
    );
  } else if (pins.has(adapter.package)) {
    lines.push(`# dbt adapter for compute ${JSON.stringify(adapter.computeType)}`, rangeOf(adapter.package));
  } else {
    lines.push(
      `# dbt adapter for compute ${JSON.stringify(adapter.computeType)}: not in floe's tests; any release that supports the dbt-core line above`,
      adapter.package,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One requirements.txt for several products of one output: the first product's file under `header`
 * (its first line), then any line another product's file needs besides (e.g. a second dbt adapter).
 */
export function mergeRequirementsFiles(contents: ReadonlyArray<string>, header: string): string {
  const [first, ...rest] = contents.map((c) => c.split("\n"));
  if (!first) throw new FloeError("FLOE_INTERNAL", "no requirements files to merge");
  const lines = [`# ${header}`, ...first.slice(1)];
  const seen = new Set(lines);
  const extra: string[] = [];
  for (const line of rest.flatMap((r) => r.slice(1))) {
    if (line === "" || seen.has(line)) continue;
    seen.add(line);
    extra.push(line);
  }
  const end = lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
  return [...lines.slice(0, end), ...extra, ...lines.slice(end)].join("\n");
}
