// Artifacts without models: both plugins refuse them the same way (one floe-core check), instead of
// Dagster refusing and Airflow writing a DAG with no tasks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseArtifacts, floe, tempDir, treeSnapshot } from "../hardening/support.js";

describe("floe generate of artifacts without models", () => {
  for (const orchestrator of ["dagster", "airflow"]) {
    it(`${orchestrator}: exit 2, one line at transforms.models, nothing written`, () => {
      const dir = tempDir(`zero-models-${orchestrator}`);
      const { transforms: _, ...artifacts } = baseArtifacts([]);
      const file = join(dir, "artifacts.json");
      writeFileSync(file, JSON.stringify(artifacts));
      const out = join(dir, "out");
      const result = floe(["generate", file, "--orchestrator", orchestrator, "--out", out]);
      expect(result.status, result.stderr).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^floe: FLOE_ARTIFACTS_INVALID at transforms\.models: .*no models.*\(hint: .*at least one dbt model/);
      expect(treeSnapshot(out)).toEqual({});
    });
  }
});
