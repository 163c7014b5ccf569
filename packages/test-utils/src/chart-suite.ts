/**
 * Test support (not part of the build): the vitest cases both plugins' chart e2e tests register alike
 * (a scratch folder with `floe helm-values` files, helm lint, the longest release name, refused values).
 * Each plugin's chart.test.ts adds what is particular to its chart.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { helm, manifestProblems, renderChart, writeHelmValuesFiles } from "./chart-checks.js";

export interface ChartWorkdir {
  /** The scratch folder (set in beforeAll, removed in afterAll). */
  readonly dir: string;
  /** `floe helm-values` files: small, medium, large and artifacts (see writeHelmValuesFiles). */
  readonly valuesFiles: Record<string, string>;
}

/** Registers beforeAll/afterAll for a scratch folder holding the plugin's `floe helm-values` files. */
export function chartWorkdir(orchestrator: "dagster" | "airflow", artifactsSize: string): ChartWorkdir {
  const state = { dir: "", valuesFiles: {} as Record<string, string> };
  beforeAll(async () => {
    state.dir = await mkdtemp(join(tmpdir(), `floe-${orchestrator}-chart-`));
    state.valuesFiles = await writeHelmValuesFiles(orchestrator, state.dir, artifactsSize);
  });
  afterAll(async () => {
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  return state;
}

/** `helm lint --strict` passes with the defaults and with each of `extras()` (called when the test runs). */
export function itPassesHelmLint(chart: string, title: string, extras: () => string[][]): void {
  it(title, async () => {
    for (const extra of [[], ...extras()]) {
      const result = await helm(["lint", "--strict", chart, ...extra]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
  });
}

/** Renders valid objects, every name within Kubernetes' limits, for the longest release name Helm allows. */
export function itKeepsNamesWithinLimits(chart: string, set: string[]): void {
  it("keeps every name within Kubernetes' limits for the longest release name", async () => {
    const release = "a-release-name-as-long-as-helm-allows-fifty-three-chr";
    expect(release).toHaveLength(53);
    const objects = await renderChart(chart, { release, set });
    expect(await manifestProblems(objects)).toEqual([]);
  });
}

/**
 * A test per case: `helm template` with those `--set` values fails with a message matching the case's.
 * `bySchema` (the default): the chart's values.schema.json is what refuses them (Helm says so first).
 */
export function itRefusesValues(chart: string, cases: Array<[what: string, set: string[], message: RegExp]>, bySchema = true): void {
  for (const [what, set, message] of cases) {
    it(`refuses ${what}`, async () => {
      const args = ["template", "release", chart];
      for (const s of set) args.push("--set", s);
      const result = await helm(args);
      expect(result.code).not.toBe(0);
      if (bySchema) expect(result.stderr).toContain("values don't meet the specifications of the schema");
      expect(result.stderr).toMatch(message);
    });
  }
}
