// Hostile names (quotes, backslashes, newlines, {{ }}, unicode, lone surrogates, Python keywords) can
// neither break the generated Python nor change its meaning: property-based (fast-check) samples are
// ast.parse'd and their literals evaluated back to the exact input; one batch of hostile names is
// then loaded by Dagster itself and its asset graph compared with createAssetsFromTransforms. Model
// names must also be plain to dbt's --select (floe refuses the rest), so model names are drawn from
// the hostile names that pass that check; products, jobs, descriptions and paths stay unrestricted.
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CompiledArtifactsSchema,
  isPlainDbtModelName,
  transformsFromArtifacts,
  writeOutputDirectory,
  type CompiledArtifactsInput,
} from "floe-core";
import { DagsterPlugin } from "../../src/dagster-plugin.js";
import { INSPECT_PY, copyExample, makeWorkspace, mustSucceed, python, type Workspace } from "./tools.js";

const CHECK_PY = join(import.meta.dirname, "check_literals.py");
const NASTY = [
  'a"b',
  "a'b",
  "back\\slash",
  "new\nline",
  "{{ ref('x') }}",
  "{% if %}",
  '"""',
  "class",
  "None",
  "ünïcødé ☃ 🚀",
  "\u2028sep",
  "\0nul",
  "x) ; import os #",
  "dagster",
  "context",
  "a b c",
  "{{ref('x')}}",
  "{%if%}",
  "x);import${IFS}os#",
  "ünïcødé☃🚀",
  "$(touch${IFS}x)",
];

function artifactsFor(product: string, names: string[], descriptions: string[], jobName: string, withIds: boolean): CompiledArtifactsInput {
  return {
    version: "0.10.0",
    metadata: {
      compiled_at: "2026-01-01T00:00:00Z",
      floe_version: "0.10.0",
      source_hash: "x",
      product_name: product,
      product_version: "1.0.0",
    },
    identity: { product_id: "p", domain: "d", repository: "" },
    observability: { lineage: true },
    transforms: {
      default_compute: "duckdb",
      models: names.map((name, i) => ({
        name,
        compute: "duckdb",
        tags: [name, "daily"],
        depends_on: i > 0 ? [names[i - 1] as string] : [],
        description: descriptions[i] ?? null,
        ...(withIds ? { unique_id: `model.${product}.${name}` } : {}),
      })),
    },
    orchestration: {
      jobs: [{ name: jobName, description: jobName, select: { models: names.slice(0, 1) } }],
      schedules: [{ name: `${jobName} schedule`, job: jobName, cron: "0 6 * * *", timezone: "Europe/London" }],
    },
  };
}

const hostile = () => fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", minLength: 1, maxLength: 20 }));

describe("hostile names", () => {
  it("always give Python that parses and whose literals evaluate back to the input (fast-check)", () => {
    const ws = makeWorkspace("floe-dagster-hostile-ast-");
    const samples = fc.sample(
      fc
        .record({
          product: hostile().filter((s) => s.length <= 128),
          names: fc.uniqueArray(hostile(), { minLength: 1, maxLength: 4 }),
          descriptions: fc.array(hostile(), { minLength: 4, maxLength: 4 }),
          job: hostile(),
          dir: hostile(),
          withIds: fc.boolean(),
        })
        .filter((r) => r.job !== r.product && r.names.every((n) => isPlainDbtModelName(n, `model.${r.product}.${n}`))),
      { numRuns: 150, seed: 20261126 },
    );
    const inputs = samples.map((s) => {
      const plugin = new DagsterPlugin({ dbtProjectDir: s.dir });
      const definitions = plugin.createDefinitions(artifactsFor(s.product, s.names, s.descriptions, s.job, s.withIds));
      const files = definitions.render();
      // Whatever the product is called, its package is one directory of Python-identifier name.
      for (const f of files) expect(f.path).toMatch(/^(?:floe_[a-z0-9_]+\/)?[A-Za-z0-9_.-]+$/);
      const source = files.find((f) => f.path.endsWith("/definitions.py"))!.content;
      return {
        source,
        product: s.product,
        docstring: `Dagster code location for the data product ${s.product} 1.0.0.`,
        dbtProjectDir: s.dir,
        models: s.names,
        descriptions: s.descriptions.slice(0, s.names.length),
        uniqueIds: s.names.map((n) => `model.${s.product}.${n}`),
      };
    });
    const problems = JSON.parse(mustSucceed(python(ws, [CHECK_PY], JSON.stringify(inputs)), "check_literals.py").stdout) as string[];
    expect(problems).toEqual([]);
  });

  describe("one code location full of hostile names, loaded by Dagster", () => {
    let ws: Workspace;
    const names = [...NASTY, ...fc.sample(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), { numRuns: 20, seed: 7 })].filter(
      (n, i, all) => all.indexOf(n) === i && isPlainDbtModelName(n),
    );
    const artifacts = artifactsFor(
      'prod "uct"\n{{ x }}',
      names,
      names.map((n) => `about ${n}`),
      "nightly \\ job",
      false,
    );
    let inspected: {
      assets: Record<string, { deps: string[]; group: string; tags: Record<string, string> }>;
      jobs: string[];
      schedules: unknown[];
    };

    beforeAll(async () => {
      ws = makeWorkspace("floe-dagster-hostile-load-");
      const out = join(ws.dir, "location");
      // DbtCliResource checks that the project exists: a real dbt project behind a hostile path.
      const project = join(ws.dir, "dbt 'project' \"dir\" {{ x }}");
      copyExample(project);
      await writeOutputDirectory(out, new DagsterPlugin({ dbtProjectDir: project }).createDefinitions(artifacts).render());
      inspected = JSON.parse(mustSucceed(python(ws, [INSPECT_PY, out]), "Dagster load").stdout);
    });

    it("loads with exactly the asset keys and edges floe declares", () => {
      const plugin = new DagsterPlugin();
      const { model } = plugin.createDefinitions(artifacts);
      const specs = plugin.createAssetsFromTransforms(transformsFromArtifacts(CompiledArtifactsSchema.parse(artifacts)), model.group);
      const expected = Object.fromEntries(
        specs.map((s) => [JSON.stringify(s.key), { deps: s.deps.map((d) => JSON.stringify(d)).sort(), group: s.group, tags: s.tags }]),
      );
      expect(Object.keys(inspected.assets)).toHaveLength(names.length);
      expect(inspected.assets).toEqual(expected);
      expect(inspected.jobs).toEqual([...model.jobs.map((j) => j.name)].sort());
      expect(inspected.schedules).toHaveLength(1);
    });
  });
});
