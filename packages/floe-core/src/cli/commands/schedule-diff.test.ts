/**
 * `floe schedule diff` loads both plugins through the registry. Here one is made absent (the registry's
 * own FLOE_PLUGIN_NOT_FOUND for that name; the other loads for real): exit 2, one line naming the
 * missing plugin, nothing on stdout. The divergences themselves: test/plan/plan-cli.test.ts and
 * test/schedules/schedule-diff.test.ts at the repository root.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FloeError } from "../../errors.js";
import { runFloe } from "floe-test-utils/floe-cli";

const missing = new Set<string>();
vi.mock("../../plugin-registry.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../plugin-registry.js")>();
  return {
    ...real,
    loadPlugin: async (name: string, options: Parameters<typeof real.loadPlugin>[1]) => {
      if (missing.has(name)) {
        throw new FloeError("FLOE_PLUGIN_NOT_FOUND", `no orchestrator plugin named "${name}" is installed`, {
          path: "options.orchestrator",
          hint: "installed: none",
        });
      }
      return real.loadPlugin(name, options);
    },
  };
});

const floe = (argv: string[]) => runFloe(argv);

describe("floe schedule diff without both plugins", () => {
  beforeEach(() => missing.clear());

  it.each(["airflow", "dagster"])("exits 2 naming the missing %s plugin", async (name) => {
    missing.add(name);
    const { code, stdout, stderr } = await floe(["schedule", "diff", "30 2 * * *", "--timezone", "America/New_York"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toContain(
      `FLOE_PLUGIN_NOT_FOUND: floe schedule diff compares Dagster and Airflow and needs both plugins: no orchestrator plugin named "${name}" is installed`,
    );
    expect(stderr).toContain(`install floe-orchestrator-${name}`);
  });

  it("with both installed it compares them (the real plugins)", async () => {
    const { code, stdout } = await floe([
      "schedule",
      "diff",
      "30 2 * * *",
      "--timezone",
      "America/New_York",
      "--from",
      "2025-01-01T00:00:00Z",
      "--days",
      "365",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("dagster only: 2025-03-09T03:00:00-04:00");
    expect(stdout).toContain("airflow only: 2025-03-09T03:30:00-04:00");
  });
});
