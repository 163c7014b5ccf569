// A runnable synthetic dbt project (DuckDB) for run-speed benchmarks: n models with light SQL and real
// dependencies. A tenth are roots (`range()` of 100 rows); every other model reads one to three earlier
// models (mostly near it, sometimes a hub among the first roots), joined on `id`; every fifth is a table,
// the rest views; every fifth has a not_null test on `id`. Deterministic: same n, same files.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

const name = (i) => `m${String(i).padStart(4, "0")}`;

/** Writes the project into dir (replacing it); its profile reads the DuckDB path from FLOE_DUCKDB_PATH. */
export function writeRunProject(dir, n, seed = 7) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "models"), { recursive: true });
  writeFileSync(join(dir, "dbt_project.yml"), 'name: run_speed\nversion: "1.0.0"\nconfig-version: 2\nprofile: run_speed\n');
  writeFileSync(
    join(dir, "profiles.yml"),
    "run_speed:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: \"{{ env_var('FLOE_DUCKDB_PATH') }}\"\n      threads: 1\n",
  );
  const rnd = mulberry32(seed);
  const roots = Math.max(1, Math.floor(n / 10));
  const tests = [];
  for (let i = 0; i < n; i++) {
    const materialized = i % 5 === 0 ? "table" : "view";
    let sql;
    if (i < roots) {
      sql = `select range as id, range * ${i + 1} as v from range(100)`;
    } else {
      const parents = new Set([i - 1 - Math.floor(rnd() * Math.min(i, 8))]);
      if (rnd() < 0.5) parents.add(Math.floor(rnd() * i));
      if (rnd() < 0.2) parents.add(Math.floor(rnd() * Math.min(roots, 5)));
      const [first, ...rest] = [...parents].map(name);
      const joins = rest.map((p, k) => `join {{ ref('${p}') }} as p${k + 1} using (id)`).join("\n");
      const sum = ["p0.v", ...rest.map((_, k) => `p${k + 1}.v`)].join(" + ");
      sql = `select id, (${sum}) % 1000 as v\nfrom {{ ref('${first}') }} as p0\n${joins}`;
    }
    writeFileSync(join(dir, "models", `${name(i)}.sql`), `{{ config(materialized='${materialized}') }}\n${sql}\n`);
    if (i % 5 === 0) tests.push(`  - name: ${name(i)}\n    columns:\n      - name: id\n        data_tests: [not_null]\n`);
  }
  writeFileSync(join(dir, "models", "schema.yml"), `version: 2\nmodels:\n${tests.join("")}`);
}
