// `floe generate --plan` and `floe schedule diff` through the built CLI with both plugins: exit 0 for no
// change and 3 for changes, JSON for CI, nothing written; the one-line warning of `generate` when a
// switch of orchestrator moves a schedule's fire times; schedule diff against the oracle's instants.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, floe, tempDir, treeSnapshot } from "../hardening/support.js";

const EXAMPLE = join(ROOT, "examples", "jaffle_shop");
const ARTIFACTS = join(EXAMPLE, "compiled_artifacts.json");

function generate(artifacts: string, orchestrator: string, out: string, ...extra: string[]) {
  return floe(["generate", artifacts, "--orchestrator", orchestrator, "--out", out, "--dbt-project", EXAMPLE, ...extra]);
}

/** The example with a New York schedule at 02:30 (a time the spring-forward night skips), one model fewer and one job more. */
function changedArtifacts(dir: string): string {
  const a = JSON.parse(readFileSync(ARTIFACTS, "utf8"));
  a.transforms.models = a.transforms.models.filter((m: { name: string }) => m.name !== "customer_revenue");
  a.orchestration.jobs.push({ name: "staging", select: { models: ["stg_orders"] } });
  a.orchestration.schedules[0] = { ...a.orchestration.schedules[0], cron: "30 2 * * *", timezone: "America/New_York" };
  const file = join(dir, "changed.json");
  writeFileSync(file, JSON.stringify(a));
  return file;
}

describe("floe generate --plan", () => {
  it("plans against an empty --out (exit 3) and writes nothing", () => {
    const dir = tempDir("plan-empty");
    const out = join(dir, "out");
    const r = generate(ARTIFACTS, "dagster", out, "--plan");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(
      /^floe plan: jaffle_shop for dagster against .* \(no floe output there yet\)\n {2}\+ job jaffle_shop\n {2}\+ job daily_marts\n {2}\+ schedule daily_marts_morning of daily_marts: 0 6 \* \* \* in Europe\/London \(next: [^)]+\)\n/,
    );
    expect(r.stdout).toMatch(/\nPlan: 3 to add, 0 to change, 0 to remove \(assets: 11 added, 0 removed\)\.\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("no change against its own output: exit 0; changes: exit 3 with JSON for CI; the output untouched", () => {
    const dir = tempDir("plan-same");
    const out = join(dir, "out");
    expect(generate(ARTIFACTS, "dagster", out).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, ".floe-output.json"), "utf8"));
    expect(manifest.plan).toMatchObject({ orchestrator: "dagster", product: "jaffle_shop" });
    const same = generate(ARTIFACTS, "dagster", out, "--plan", "--json");
    expect(same.status).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ changed: false, previousOrchestrator: "dagster" });
    expect(generate(ARTIFACTS, "dagster", out, "--plan").stdout).toMatch(/No changes/);

    const before = treeSnapshot(dir);
    const changed = generate(changedArtifacts(dir), "dagster", out, "--plan", "--json");
    expect(changed.stderr).toBe("");
    expect(changed.status).toBe(3);
    const plan = JSON.parse(changed.stdout);
    expect(plan.jobs).toEqual({
      added: ["staging"],
      removed: [],
      changed: [{ name: "jaffle_shop", tasksAdded: [], tasksRemoved: ["customer_revenue"] }],
    });
    expect(plan.schedules.changed).toHaveLength(1);
    expect(plan.schedules.changed[0]).toMatchObject({
      name: "daily_marts_morning",
      before: { crons: ["0 6 * * *"], timezone: "Europe/London" },
      after: { crons: ["30 2 * * *"], timezone: "America/New_York" },
    });
    expect(plan.schedules.changed[0].nextFireTimes).toHaveLength(3);
    // Only the new file; the output and its versions folder are as they were.
    const { [join("changed.json")]: _added, ...after } = treeSnapshot(dir);
    expect(after).toEqual(before);
  });

  it("another orchestrator's output: the switch in the plan, and generate warns in one line when fire times move", () => {
    const dir = tempDir("plan-switch");
    const out = join(dir, "out");
    const artifacts = changedArtifacts(dir);
    expect(generate(artifacts, "dagster", out).status).toBe(0);
    const plan = generate(artifacts, "airflow", out, "--plan", "--json");
    expect(plan.status).toBe(3);
    const parsed = JSON.parse(plan.stdout);
    expect(parsed).toMatchObject({ orchestrator: "airflow", previousOrchestrator: "dagster" });
    // The next New York spring-forward night: Dagster fires at 03:00, Airflow at 03:30 (the oracle's table).
    expect(parsed.fireTimeChanges).toHaveLength(1);
    expect(parsed.fireTimeChanges[0].before[0]).toMatch(/^20\d\d-03-\d\dT03:00:00-04:00$/);
    expect(parsed.fireTimeChanges[0].after[0]).toMatch(/^20\d\d-03-\d\dT03:30:00-04:00$/);
    const switched = generate(artifacts, "airflow", out);
    expect(switched.status).toBe(0);
    const warnings = switched.stderr.split("\n").filter((l) => l.startsWith("floe: warning: switching"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^floe: warning: switching dagster -> airflow changes when schedule daily_marts \(30 2 \* \* \* in America\/New_York\) fires: \S+T03:00:00-04:00 becomes \S+T03:30:00-04:00 /,
    );
    // A London 06:00 schedule fires alike on both: no warning back.
    const back = generate(ARTIFACTS, "dagster", out);
    expect(back.stderr).not.toMatch(/switching/);
  });

  it("--json without --plan is bad input (exit 2), and nothing is written", () => {
    const dir = tempDir("plan-bad");
    const r = generate(ARTIFACTS, "dagster", join(dir, "out"), "--json");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^floe: FLOE_USAGE at --json: --json goes with --plan \(hint: [^\n]+\)\n$/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("floe schedule diff", () => {
  const diff = (...args: string[]) => floe(["schedule", "diff", ...args]);

  it("prints where Dagster and Airflow differ (New York 30 2 * * *, the oracle's 2025-03-09 row)", () => {
    const r = diff("30 2 * * *", "--timezone", "America/New_York", "--from", "2025-01-01T00:00:00Z", "--count", "1");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "# 30 2 * * * in America/New_York: where Dagster and Airflow differ, 1827 days from 2025-01-01T00:00:00.000Z",
        "around the offset change at 2025-03-09T07:00:00Z:",
        "  dagster only: 2025-03-09T03:00:00-04:00",
        "  airflow only: 2025-03-09T03:30:00-04:00",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(
      diff("15 2 * * *", "--timezone", "Australia/Lord_Howe", "--from", "2025-10-01T00:00:00Z", "--days", "10", "--json").stdout,
    );
    expect(
      json.divergences.map((d: { dagsterOnly: Array<{ local: string }>; airflowOnly: Array<{ local: string }> }) => [
        d.dagsterOnly[0]!.local,
        d.airflowOnly[0]!.local,
      ]),
    ).toEqual([["2025-10-05T02:30:00+11:00", "2025-10-05T02:45:00+11:00"]]);
  });

  it("says so when they agree", () => {
    const r = diff("0 6 * * *", "--timezone", "Europe/London", "--from", "2025-01-01T00:00:00Z", "--days", "400");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nno difference: both orchestrators fire at the same instants\n$/);
  });

  it("bad input: one line, exit 2", () => {
    for (const [args, where] of [
      [["30 2 * * *"], "--timezone"],
      [["30 2 * * *", "--timezone", "Nowhere/City"], "timezone"],
      [["30 2 * * *", "--timezone", "UTC", "--count", "0"], "--count"],
      [["30 2 * * *", "--timezone", "UTC", "--days", "x"], "--days"],
      [["61 2 * * *", "--timezone", "UTC"], "cron"],
    ] as const) {
      const r = diff(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^floe: FLOE_[A-Z_]+ at ${where.replace(/[-]/g, "\\-")}: [^\\n]+\\n$`));
      expect(r.stdout).toBe("");
    }
  });
});
