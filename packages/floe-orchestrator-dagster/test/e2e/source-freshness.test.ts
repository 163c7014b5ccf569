// Sources and freshness in manifest mode: test/fixtures/dbt/fresh_sources declares dbt `freshness` (warn
// after 1 day, error after 2) on three sources that load_sources.py fills 1 hour, 30 hours and 3 days
// ago. The generated code location declares the sources as external assets (the models' deps) with a
// `dbt source freshness` asset check each; one in-process run of its freshness job must give dbt's
// verdicts: pass, a WARN-severity failure, an ERROR-severity failure.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DBT_FIXTURES, ROOT, copyDbtFixture, dbtParse, floeGenerate, makeWorkspace, mustSucceed, python } from "./tools.js";

const PROJECT = "fresh_sources";
const CHECK_PY = join(ROOT, "packages", "floe-orchestrator-dagster", "test", "e2e", "check_freshness.py");

describe("dbt sources as external assets with freshness checks", () => {
  // Load, dbt parse and three `dbt source freshness`: under a minute idle, much more on a shared machine.
  it("runs dbt source freshness per source: fresh passes, late warns, stale errors", { timeout: 1_800_000 }, () => {
    const ws = makeWorkspace("floe-dagster-freshness-");
    const project = join(ws.dir, PROJECT);
    copyDbtFixture(PROJECT, project);
    mustSucceed(python(ws, [join(project, "load_sources.py"), ws.env.FLOE_DUCKDB_PATH as string]), "load sources");
    dbtParse(ws, project);
    const out = join(ws.dir, "out");
    floeGenerate(ws, join(DBT_FIXTURES, PROJECT, "compiled_artifacts.json"), out, project);
    const report = JSON.parse(
      mustSucceed(python(ws, [CHECK_PY, out, `${PROJECT}_source_freshness`]), "freshness job")
        .stdout.trim()
        .split("\n")
        .pop()!,
    );
    expect(report.sources).toEqual({
      "raw/fresh_orders": { group: "fresh_sources_sources", unique_id: "source.fresh_sources.raw.fresh_orders" },
      "raw/late_orders": { group: "fresh_sources_sources", unique_id: "source.fresh_sources.raw.late_orders" },
      "raw/stale_orders": { group: "fresh_sources_sources", unique_id: "source.fresh_sources.raw.stale_orders" },
    });
    expect(report.deps).toEqual({
      fresh_totals: ["raw/fresh_orders"],
      late_totals: ["raw/late_orders"],
      stale_totals: ["raw/stale_orders"],
    });
    expect(report.checks).toEqual({
      "raw/fresh_orders": { name: "dbt_source_freshness", passed: true, severity: "ERROR", dbt_status: "pass" },
      "raw/late_orders": { name: "dbt_source_freshness", passed: false, severity: "WARN", dbt_status: "warn" },
      "raw/stale_orders": { name: "dbt_source_freshness", passed: false, severity: "ERROR", dbt_status: "error" },
    });
  });
});
