// Code-generation injection: every user string that reaches generated files (model names, tags, meta
// values, descriptions, product and job names, cron strings, dbt project paths) is treated as data by
// both plugins. Python parses, literals evaluate back to the input, nothing user-controlled reaches a
// templated Airflow field, and distinct names give distinct, deterministic identifiers. Model names
// also reach dbt's `--select`: those it would not match alone (selector characters, whitespace, a
// leading '-', the package's name) are refused by both plugins; every other name, however hostile,
// goes through the full render.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isBadInput, isFloeError, isPlainDbtModelName, pyIdentifier, pyString, safeName, shellQuote } from "floe-core";
import { AirflowPlugin } from "floe-orchestrator-airflow";
import { DagsterPlugin } from "floe-orchestrator-dagster";
import { ROOT, baseArtifacts, tempDir } from "./support.js";

const SEED = Number(process.env.FLOE_HARDENING_SEED ?? Date.now() % 2 ** 31);
// fast-check prints the seed of a failing fc.assert; fc.sample-based checks print it in their message.
console.log(`codegen-injection seed: ${SEED} (rerun with FLOE_HARDENING_SEED=${SEED})`);

const NASTY = [
  'a"b',
  "a'b",
  "back\\slash",
  "new\nline",
  "cr\rx",
  "{{ ref('x') }}",
  "{% if true %}x{% endif %}",
  "{# c #}",
  '"""',
  "'''",
  "class",
  "None",
  "import",
  "ünïcødé ☃ 🚀",
  "\u2028sep",
  "\u0000nul",
  "x) ; import os #",
  "$(touch /tmp/pwn)",
  "`id`",
  "a b c",
  "a-b",
  "a_b",
  "a.b",
  "${HOME}",
  "%s%d",
  "\\N{BULLET}",
  "\ud800",
  "-rf",
  "--select",
  "ds",
  "dag",
  "task",
  // Hostile to Python, shell and Jinja but plain to dbt's selector grammar: these keep reaching the render.
  "$(touch${IFS}pwn)",
  "x);import${IFS}os#",
  "{{7}}",
  "{%raw%}",
  "'\"",
  'a"""b',
  "x--select",
  "dbt;rm",
  "é\u0301",
  "☃$HOME",
];
// The package the samples' unique_ids name (`model.p.<name>`).
const PACKAGE = "p";
const isPlain = (name: string) => isPlainDbtModelName(name, `model.${PACKAGE}.${name}`);
const hostile = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 16 }) },
    { weight: 1, arbitrary: fc.constantFrom(...NASTY).chain((n) => fc.nat(280).map((k) => "x".repeat(k) + n)) },
  );
const CRONS = ["0 6 * * *", "*/5 * * * *", "0 0 1 * *", "30 2 * * 1-5", "0 */3 * * 0,6", "15 14 1 1 *", "0 0 * * MON", "5 4 * JAN *"];

interface Sample {
  product: string;
  names: string[];
  tags: string[];
  metaValue: string;
  descriptions: string[];
  job: string;
  cron: string;
  dir: string;
}

function sampleArb(): fc.Arbitrary<Sample> {
  return fc
    .record({
      product: hostile().filter((s) => s.length <= 100),
      names: fc.uniqueArray(hostile().filter(isPlain), { minLength: 1, maxLength: 4 }),
      tags: fc.array(hostile(), { minLength: 0, maxLength: 3 }),
      metaValue: hostile(),
      descriptions: fc.array(hostile(), { minLength: 4, maxLength: 4 }),
      job: hostile().filter((s) => s.length <= 100),
      cron: fc.constantFrom(...CRONS),
      dir: hostile().map((s) => `/srv/${s}`),
    })
    .filter((r) => r.job !== r.product && !r.names.includes(r.job));
}

function artifactsOf(s: Sample): Record<string, unknown> {
  const models = s.names.map((name, i) => ({
    name,
    compute: "duckdb",
    tags: [...s.tags, "daily"],
    depends_on: i > 0 ? [s.names[i - 1]] : [],
    description: s.descriptions[i] ?? null,
    meta: { owner: s.metaValue, [s.metaValue]: s.names[0] },
    unique_id: `model.${PACKAGE}.${name}`,
  }));
  const a = baseArtifacts(models, {
    orchestration: {
      jobs: [{ name: s.job, description: s.descriptions[0], select: { models: s.names } }],
      schedules: [{ name: `${s.job} schedule`, job: s.job, cron: s.cron, timezone: "Europe/London" }],
    },
  });
  (a.metadata as Record<string, unknown>).product_name = s.product;
  return a;
}

function renderBoth(s: Sample) {
  const a = artifactsOf(s) as never;
  const dagster = new DagsterPlugin({ dbtProjectDir: s.dir }).createDefinitions(a).render();
  const airflow = new AirflowPlugin({ dbtProjectDir: s.dir, dbtExecutable: "dbt" }).createDefinitions(a).render();
  return { dagster, airflow };
}

function runPython(
  cases: Array<{ id: string; source: string; expect: string[] }>,
): Array<{ id: string; error: string; missing?: string[] }> {
  const dir = tempDir("codegen");
  const file = join(dir, "cases.json");
  writeFileSync(file, JSON.stringify(cases));
  const r = spawnSync("python3", [join(import.meta.dirname, "check_generated.py"), file], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("code-generation injection (both plugins)", () => {
  it("generated Python parses and user strings evaluate back exactly; Airflow templates never see user data", () => {
    const samples = fc.sample(sampleArb(), { numRuns: 150, seed: SEED });
    const cases: Array<{ id: string; source: string; expect: string[] }> = [];
    const commands = new Set<string>();
    samples.forEach((s, i) => {
      const { dagster, airflow } = renderBoth(s);
      // Deterministic: the same input renders byte-identical files.
      const again = renderBoth(s);
      expect(again, `seed ${SEED} sample ${i}`).toEqual({ dagster, airflow });
      // The product names the Dagster package: a path of floe_<identifier>/, whatever the name holds.
      for (const f of dagster) expect(f.path, `seed ${SEED} sample ${i}`).toMatch(/^(?:floe_[a-z0-9_]+\/)?[A-Za-z0-9_.-]+$/);
      for (const f of [...dagster, ...airflow]) {
        if (!f.path.endsWith(".py")) continue;
        const isDagster = dagster.includes(f);
        // Dagster keys assets by a sanitised name and finds them by dbt unique_id (a literal); Airflow
        // passes the model name itself (a literal) to dbt.
        // The dbt project path is a literal of definitions.py only (lineage.py does not run dbt); the
        // package's __init__.py holds the product name in its docstring only.
        const ids = s.names.map((n) => `model.${PACKAGE}.${n}`);
        const expected = isDagster
          ? f.path.endsWith("/definitions.py")
            ? [...ids, s.dir]
            : f.path.endsWith("/__init__.py")
              ? [`The Dagster code location of the data product ${s.product}: the Definitions are in definitions.py (defs).`]
              : ids
          : s.names;
        cases.push({ id: `${i}:${isDagster ? "dagster" : "airflow"}:${f.path}`, source: f.content, expect: expected });
      }
      // The cron string reaches each orchestrator as one literal.
      expect(
        dagster.some((f) => f.content.includes(pyString(s.cron))),
        `seed ${SEED} sample ${i}`,
      ).toBe(true);
      expect(
        airflow.some((f) => f.content.includes(pyString(s.cron))),
        `seed ${SEED} sample ${i}`,
      ).toBe(true);
      // File names are distinct and never escape the output directory.
      for (const files of [dagster, airflow]) {
        const paths = files.map((f) => f.path);
        expect(new Set(paths.map((p) => p.toLowerCase())).size, `seed ${SEED} sample ${i}: ${paths}`).toBe(paths.length);
        for (const p of paths) expect(p, `seed ${SEED} sample ${i}`).toMatch(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/);
        for (const p of paths) expect(p.split("/")).not.toContain("..");
      }
      // Airflow: every templated field is switched off and the bash command is a constant without user data.
      // (The operator is floe-runtime's DbtModelOperator, whose template_fields are empty; checked below.)
      for (const f of airflow.filter((x) => x.path.endsWith(".py"))) {
        // Build mode (the default) imports the build and result operators; per-model mode DbtModelOperator.
        expect(f.content, `seed ${SEED} sample ${i} ${f.path}`).toMatch(
          /^from floe_runtime\.airflow import (DbtModelOperator|DbtBuildOperator, DbtModelResultOperator), set_upstream_tasks$/m,
        );
        expect(f.content, `seed ${SEED} sample ${i} ${f.path}`).not.toMatch(/BashOperator|^class /m);
        const cmd = /^DBT_COMMAND = (.*)$/m.exec(f.content)?.[1] ?? "";
        commands.add(cmd);
        expect(f.content).not.toMatch(/bash_command=(?!DBT_COMMAND)/);
      }
    });
    // The templated-by-Bash command line is one constant whatever the user data: names reach dbt only
    // as environment values.
    expect([...commands], `seed ${SEED}`).toHaveLength(1);
    const operator = readFileSync(join(ROOT, "python/floe-runtime/src/floe_runtime/airflow.py"), "utf8");
    expect(operator).toMatch(/^class DbtModelOperator\(BashOperator\):[\s\S]*?^ {4}template_fields = \(\)\n {4}template_ext = \(\)$/m);
    // Build mode: the model names reach dbt as argv items of DbtBuildOperator, which templates nothing either.
    expect(operator).toMatch(
      /^class DbtBuildOperator\(BaseOperator\):[^\n]*\n[\s\S]*?^ {4}template_fields = \(\)\n {4}template_ext = \(\)$/m,
    );
    const failures = runPython(cases);
    expect(failures, `seed ${SEED}: ${JSON.stringify(failures.slice(0, 3))}`).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it("distinct model names give distinct Airflow task ids and Dagster Python names, even past 250 characters", () => {
    // Names that only differ after the 250th character, or only in characters sanitising replaces.
    const long = "m".repeat(260);
    const names = [`${long}a`, `${long}b`, "a☃b", "a_b", "a-b", "a#b", "a%b", "A_B", "x".repeat(250), "x".repeat(251), "é", "e"];
    const a = artifactsOf({
      product: "p",
      names,
      tags: [],
      metaValue: "v",
      descriptions: [],
      job: "j",
      cron: "0 6 * * *",
      dir: "/srv/x",
    }) as never;
    const airflow = new AirflowPlugin().createDefinitions(a).render();
    const dag = airflow.find((f) => f.path.startsWith("j"))?.content ?? airflow.map((f) => f.content).join("\n");
    const ids = [...dag.matchAll(/^ {4}"([^"]*)": \(/gm)].map((m) => m[1] as string);
    expect(ids.length).toBe(names.length);
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(250);
  });

  it("model names dbt's --select would not match alone are refused by both plugins at the field (exit 2)", () => {
    const refused = hostile().filter((n) => !isPlain(n));
    const samples = fc.sample(
      fc
        .record({
          base: sampleArb(),
          bad: fc.oneof(refused, fc.constantFrom(PACKAGE, "tag:x", "x+", "*", "a b", "-x", "a.b", "a/b", "@x", "a,b")),
          at: fc.nat(),
        })
        .filter((r) => !r.base.names.includes(r.bad) && r.bad !== r.base.job),
      { numRuns: 150, seed: SEED },
    );
    let refusals = 0;
    samples.forEach(({ base, bad, at }, i) => {
      const index = at % (base.names.length + 1);
      const names = [...base.names.slice(0, index), bad, ...base.names.slice(index)];
      const a = artifactsOf({ ...base, names }) as never;
      const plugins = [new DagsterPlugin({ dbtProjectDir: base.dir }), new AirflowPlugin({ dbtProjectDir: base.dir })];
      for (const plugin of plugins) {
        let error: unknown;
        try {
          plugin.createDefinitions(a).render();
        } catch (e) {
          error = e;
        }
        const where = `seed ${SEED} sample ${i} ${plugin.name} ${JSON.stringify(bad)}: ${String(error)}`;
        expect(isFloeError(error, "FLOE_ARTIFACTS_INVALID") && isBadInput(error), where).toBe(true);
        expect((error as { path?: string }).path, where).toBe(`transforms.models[${index}].name`);
        expect((error as Error).message, where).toContain(JSON.stringify(bad));
        // The plugins' public methods that take transforms directly refuse it too.
        expect(
          () => plugin.createAssetsFromTransforms(names.map((name) => ({ name, unique_id: `model.${PACKAGE}.${name}` }))),
          where,
        ).toThrow(expect.objectContaining({ code: "FLOE_ARTIFACTS_INVALID", path: `transforms[${index}].name` }));
        refusals++;
      }
    });
    expect(refusals).toBe(300);
  });

  it("emitter properties hold for 10,000 hostile strings each (injective, valid, deterministic)", () => {
    const airflowRules = { allowed: /[A-Za-z0-9_.-]/, maxLength: 250 };
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }), (x, y) => {
        const id = pyIdentifier(x === "" ? "_" : x);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(id)) return false;
        if (pyIdentifier(x === "" ? "_" : x) !== id) return false;
        const tx = safeName(x || "_", airflowRules);
        const ty = safeName(y || "_", airflowRules);
        if (tx.length > 250 || !/^[A-Za-z0-9_.-]+$/.test(tx)) return false;
        if ((x || "_") !== (y || "_") && tx === ty) return false;
        if (x !== y && pyIdentifier(x || "_") === pyIdentifier(y || "_") && (x || "_") !== (y || "_")) return false;
        const q = pyString(x);
        return q.length >= 2 && !q.includes("\n") && !q.includes("\r");
      }),
      { numRuns: 10_000, seed: SEED },
    );
  });

  it("shellQuote round-trips through a real shell (2,000 strings in one bash process)", () => {
    const values = fc.sample(
      fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.includes("\0")),
      { numRuns: 2000, seed: SEED },
    );
    const script = values.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join("\n");
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", maxBuffer: 16 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.split("\0").slice(0, -1);
    expect(out.length).toBe(values.length);
    out.forEach((o, i) => {
      expect(o, `seed ${SEED} value ${JSON.stringify(values[i])}`).toBe(values[i]);
    });
  });
});
