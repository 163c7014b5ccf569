/** The CLI's own surface, in-process: per-command help, `floe help <command>`, and "did you mean". */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./commands/index.js";
import { runFloe } from "floe-test-utils/floe-cli";

const floe = (argv: string[]) => runFloe(argv);

describe("per-command help", () => {
  it.each(COMMANDS.map((c) => [c.path.join(" "), c] as const))(
    "floe %s --help lists every option with its default and environment variable",
    async (_, command) => {
      const { code, stdout, stderr } = await floe([...command.path, "--help"]);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toContain(`usage: ${command.usage}`);
      // The usage line and the option table name the same flags: neither can drift from the other.
      const inUsage = [...new Set([...command.usage.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]))].sort();
      expect(inUsage).toEqual(Object.keys(command.options).sort());
      const lines = stdout.split("\n");
      for (const [name, option] of Object.entries(command.options)) {
        const line = lines.find((l) => l.trimStart().startsWith(`--${name}`));
        expect(line, `--${name}`).toBeDefined();
        expect(line).toContain(option.description);
        expect(line).toContain(`(default: ${option.default}`);
        if (option.env) expect(line).toContain(`env: ${option.env})`);
      }
      for (const name of Object.keys(command.environment ?? {})) expect(stdout).toMatch(new RegExp(`^  ${name} `, "m"));
      // floe help <command> says the same.
      expect(await floe(["help", ...command.path])).toEqual({ code: 0, stdout, stderr: "" });
    },
  );

  it("names the environment variables the commands read", async () => {
    expect((await floe(["validate-connection", "--help"])).stdout).toMatch(
      /--url <url> .*env: DAGSTER_URL \(dagster\), AIRFLOW_URL \(airflow\)/,
    );
    const emit = (await floe(["help", "lineage", "emit"])).stdout;
    expect(emit).toMatch(/--url <url> .*env: OPENLINEAGE_URL/);
    expect(emit).toMatch(/--endpoint <path> .*\(default: api\/v1\/lineage; env: OPENLINEAGE_ENDPOINT\)/);
    expect(emit).toMatch(/^ {2}OPENLINEAGE_API_KEY /m);
    expect((await floe(["help", "schedule", "preview"])).stdout).toMatch(/--count N .*\(default: 10\)/);
  });

  it("floe help alone is the main help; floe help <unknown> is a usage error", async () => {
    expect((await floe(["help"])).stdout).toContain("floe help <command>");
    const unknown = await floe(["help", "genrate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe('floe: FLOE_USAGE: unknown command "genrate" (hint: did you mean "floe generate"? see floe --help)\n');
  });
});

describe("unknown commands", () => {
  it.each([
    [["genrate", "x.json"], "genrate x.json", "floe generate"],
    [["plugin"], "plugin", "floe plugins"],
    [["artifact", "validate"], "artifact validate", "floe artifacts validate"],
    [["artifacts", "valdate"], "artifacts valdate", "floe artifacts validate"],
    [["Schedule", "preveiw"], "Schedule preveiw", "floe schedule preview"],
    [["validate-conection"], "validate-conection", "floe validate-connection"],
  ])("%j: did you mean", async (argv, shown, suggestion) => {
    const { code, stdout, stderr } = await floe(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`floe: FLOE_USAGE: unknown command "${shown}" (hint: did you mean "${suggestion}"? see floe --help)\n`);
  });

  it("suggests nothing for a word close to no command, and lists a group's commands", async () => {
    expect((await floe(["zzzz"])).stderr).toBe('floe: FLOE_USAGE: unknown command "zzzz" (hint: see floe --help)\n');
    expect((await floe(["artifacts", "frobnicate"])).stderr).toBe(
      'floe: FLOE_USAGE: unknown command "artifacts frobnicate" (hint: artifacts validate, artifacts schema, artifacts from-dbt)\n',
    );
  });

  it("a 1 MB command word is capped before any suggestion search and in the message", async () => {
    const { code, stderr } = await floe(["g".repeat(1024 * 1024), "x"]);
    expect(code).toBe(2);
    expect(stderr.split("\n")).toHaveLength(2);
    expect(stderr.length).toBeLessThan(200);
    expect(stderr).toContain(`"${"g".repeat(64)}"…(`);
  });
});

describe("floe generate --execution-mode", () => {
  it("refuses a mode other than build or per_model with exit 2 and one line naming the flag, writing nothing", async () => {
    const { mkdtempSync, readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "floe-mode-"));
    const { code, stdout, stderr } = await floe([
      "generate",
      "a.json",
      "--orchestrator",
      "airflow",
      "--out",
      join(dir, "out"),
      "--execution-mode",
      "fast",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'floe: FLOE_USAGE at --execution-mode: unknown --execution-mode "fast" (hint: use build (one dbt invocation per run) or per_model (one dbt process per model))\n',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("is the Airflow plugin's option: the Dagster plugin refuses it (exit 2, one line naming it), writing nothing", async () => {
    const { mkdtempSync, readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { fileURLToPath } = await import("node:url");
    const example = fileURLToPath(new URL("../../../../examples/jaffle_shop", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "floe-mode-"));
    const { code, stdout, stderr } = await floe([
      "generate",
      join(example, "compiled_artifacts.json"),
      "--orchestrator",
      "dagster",
      "--out",
      join(dir, "out"),
      "--dbt-project",
      example,
      "--execution-mode",
      "build",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^floe: FLOE_CONFIG_INVALID at options: Unrecognized key: "executionMode"[^\n]*\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
