/**
 * The generated DAGs in a real Airflow 3, generated next to their dbt project (recorded relative to
 * the DAGs, not bundled) and then moved together (`cp -r` of their parent folder): they import with
 * zero DagBag errors (so does the same output with the project bundled), Airflow reports the
 * transforms' edges, `airflow dags test` runs every task to success with the real dbt (DuckDB) in the
 * moved project, and hostile model names stay names all the way to dbt's argv.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPlainDbtModelName, writeOutputDirectory, type CompiledArtifactsInput } from "floe-core";
import { AirflowPlugin } from "../../src/index.js";
import { airflowTaskId } from "../../src/task-specs.js";
import { REPO_ROOT, createAirflowHome, loadDagBag, run, taskStates, type AirflowHome } from "./airflow-env.js";

// The bundled example: its dbt project and the artifacts `floe artifacts from-dbt` made from it.
const EXAMPLE_DIR = join(REPO_ROOT, "examples", "jaffle_shop");
const EXAMPLE = { artifacts: join(EXAMPLE_DIR, "compiled_artifacts.json"), dbtProject: EXAMPLE_DIR };

type Model = { name: string; depends_on?: string[]; compute: string; tags?: string[]; schema_name?: string | null };
const readArtifacts = (path: string) =>
  JSON.parse(readFileSync(path, "utf8")) as CompiledArtifactsInput & { transforms: { models: Model[] } };

let airflow: AirflowHome;

beforeAll(async () => {
  airflow = await createAirflowHome();
});

afterAll(() => airflow?.cleanup());

describe("generated DAGs of the example in Airflow 3", () => {
  const artifacts = readArtifacts(EXAMPLE.artifacts);
  let duckdb: string;
  let dags: string;
  let bundled: string;

  beforeAll(async () => {
    duckdb = join(airflow.home, "warehouse.duckdb");
    // Through the CLI, as users run it (needs `pnpm build`; the root `pnpm test` builds first): the DAGs
    // in <parent>/dags, the dbt project beside them in <parent>/project (recorded as ../project). Then the
    // parent folder is copied (`cp -r`) elsewhere and the original removed: everything below runs on the
    // moved copy, whose tasks run dbt in the moved project (where dbt finds the example's profiles.yml).
    const parent = join(airflow.home, "generated-elsewhere");
    cpSync(EXAMPLE.dbtProject, join(parent, "project"), {
      recursive: true,
      filter: (src) => !/[\\/](target|logs)$|\.duckdb(\.wal)?$/.test(src),
    });
    const floeCli = join(REPO_ROOT, "packages/floe-core/bin/floe.js");
    const { stdout } = await run(
      process.execPath,
      [
        floeCli,
        "generate",
        EXAMPLE.artifacts,
        "--orchestrator",
        "airflow",
        "--out",
        join(parent, "dags"),
        "--dbt-project",
        join(parent, "project"),
      ],
      { cwd: REPO_ROOT },
    );
    expect(stdout).toMatch(/^wrote \d+ files for airflow/);
    const moved = join(airflow.home, "moved");
    cpSync(parent, moved, { recursive: true });
    rmSync(parent, { recursive: true, force: true });
    dags = join(moved, "dags");
    // The same output with the project bundled into it (<out>/dbt): loaded too (DagBag), not run again.
    bundled = join(airflow.home, "bundled");
    await run(
      process.execPath,
      [
        floeCli,
        "generate",
        EXAMPLE.artifacts,
        "--orchestrator",
        "airflow",
        "--out",
        bundled,
        "--dbt-project",
        EXAMPLE.dbtProject,
        "--bundle-dbt-project",
      ],
      {
        cwd: REPO_ROOT,
      },
    );
  });

  it("names no path of the machine or folder it was generated in", () => {
    for (const [folder, projectDir] of [
      [dags, "../project"],
      [bundled, "dbt"],
    ] as const) {
      const files = readdirSync(folder).filter((f) => f.endsWith(".py"));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const code = readFileSync(join(folder, file), "utf8");
        expect(code).not.toContain(airflow.home);
        expect(code).not.toContain(EXAMPLE_DIR);
        expect(code).toContain(`(Path(__file__).parent / "${projectDir}").resolve()`);
      }
    }
  });

  it("imports with zero DagBag errors, and Airflow's task dependencies equal depends_on", async () => {
    // The output carries floe-runtime's wheel (a zip, which Airflow would parse as packaged DAGs without
    // the generated .airflowignore): no import error from it either.
    expect(existsSync(join(dags, "wheels"))).toBe(true);
    const report = await loadDagBag(airflow, dags);
    expect(report.import_errors).toEqual({});
    expect(report.ast_errors).toEqual({});
    const bundledReport = await loadDagBag(airflow, bundled);
    expect(bundledReport.import_errors).toEqual({});
    expect(Object.keys(bundledReport.dags).sort()).toEqual(Object.keys(report.dags).sort());
    const product = artifacts.metadata.product_name;
    const dag = report.dags[product];
    expect(dag, `DAG ${product} loaded`).toBeDefined();
    // Build mode (the default): the models without an upstream model wait for the `dbt_build` task.
    const expected: Record<string, string[]> = Object.fromEntries(
      artifacts.transforms.models.map((m) => {
        const upstream = [...new Set(m.depends_on ?? [])].map(airflowTaskId).sort();
        return [airflowTaskId(m.name), upstream.length > 0 ? upstream : ["dbt_build"]];
      }),
    );
    expected.dbt_build = [];
    const actual = Object.fromEntries(Object.entries(dag!.tasks).map(([id, t]) => [id, t.upstream]));
    expect(actual).toEqual(expected);
    const serialized = Object.fromEntries(Object.entries(dag!.tasks).map(([id, t]) => [id, t.serialized_upstream]));
    expect(serialized).toEqual(expected);
    expect(dag!.catchup).toBe(false);
    expect(dag!.doc_md).toContain(artifacts.metadata.compiled_at);
    for (const task of Object.values(dag!.tasks)) {
      expect(task.template_fields).toEqual([]);
      expect(task).toMatchObject({ owner: "floe", retries: 2, execution_timeout: 3600 });
    }
    // One DAG per named job, on its schedule in its zone.
    for (const schedule of artifacts.orchestration?.schedules ?? []) {
      const scheduled = report.dags[schedule.job];
      expect(scheduled?.timetable).toBe("CronTriggerTimetable");
      expect(scheduled?.timetable_fields).toMatchObject({ expression: schedule.cron, timezone: schedule.timezone ?? "UTC" });
    }
  });

  it("`airflow dags test` runs every task to success with the real dbt, and DuckDB holds every model", async () => {
    const dagId = artifacts.metadata.product_name;
    await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", dagId], {
      // The moved DAGs folder; dbt's target/ and logs/ where the charts put them (DBT_TARGET_PATH/DBT_LOG_PATH).
      env: {
        ...airflow.env,
        AIRFLOW__CORE__DAGS_FOLDER: dags,
        FLOE_DUCKDB_PATH: duckdb,
        DBT_TARGET_PATH: join(airflow.home, "dbt-target"),
        DBT_LOG_PATH: join(airflow.home, "dbt-logs"),
      },
      timeoutMs: 600_000,
    });
    const states = await taskStates(airflow, dagId);
    expect(states).toEqual({
      dbt_build: "success",
      ...Object.fromEntries(artifacts.transforms.models.map((m) => [airflowTaskId(m.name), "success"])),
    });
    // dbt ran in the moved project and wrote nothing there: its output went where DBT_TARGET_PATH/DBT_LOG_PATH say.
    expect(existsSync(join(dags, "..", "project", "target"))).toBe(false);
    expect(existsSync(join(dags, "..", "project", "logs"))).toBe(false);
    expect(existsSync(join(airflow.home, "dbt-target", "run_results.json"))).toBe(true);
    const { stdout } = await run(
      airflow.python,
      [
        "-c",
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); print(json.dumps(sorted(f'{s}.{n}' for s, n in c.execute('select table_schema, table_name from information_schema.tables').fetchall())))",
        duckdb,
      ],
      { env: airflow.env },
    );
    const relations = JSON.parse(stdout.trim().split("\n").pop()!) as string[];
    for (const model of artifacts.transforms.models) expect(relations).toContain(`${model.schema_name ?? "main"}.${model.name}`);
  });
});

/** Artifacts whose models carry the given names, in a chain, with a hostile product name too. */
function hostileArtifacts(product: string, names: string[]): CompiledArtifactsInput {
  return {
    version: "0.10.0",
    metadata: {
      compiled_at: "2026-10-01T12:00:00+00:00",
      floe_version: "0.10.0",
      source_hash: "x",
      product_name: product,
      product_version: "1.0.0",
    },
    identity: { product_id: "p", domain: "d", repository: "r" },
    observability: { lineage: false },
    transforms: {
      models: names.map((name, i) => ({ name, compute: "duckdb", depends_on: i === 0 ? [] : [names[i - 1]!] })),
      default_compute: "duckdb",
    },
  };
}

describe("hostile model names", () => {
  it("run only dbt: no canary appears and the stub dbt receives each exact name as one argument", async () => {
    const dir = join(airflow.home, "hostile-run");
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    const canary = join(dir, "CANARY");
    const record = join(dir, "argv.jsonl");
    const stub = join(dir, "dbt-stub");
    writeFileSync(
      stub,
      `#!${airflow.python}\nimport json, os, sys\nwith open(os.environ["FLOE_STUB_RECORD"], "a") as fh:\n    fh.write(json.dumps(sys.argv[1:]) + "\\n")\n`,
    );
    chmodSync(stub, 0o755);
    // Model names must be plain to dbt's --select (no whitespace, `/`, `*`, `+`…; floe refuses the
    // rest), so the payloads reach the canary through $FLOE_CANARY and ${IFS} instead of a path and spaces.
    const names = [
      "$(touch${IFS}$FLOE_CANARY)",
      "`touch${IFS}$FLOE_CANARY`",
      "';touch${IFS}$FLOE_CANARY;'",
      '";touch${IFS}$FLOE_CANARY;"',
      "{{7-7}}",
      "{%raw%}",
      "{{''}}{%if(true)%}$(touch${IFS}$FLOE_CANARY){%endif%}",
      "$FLOE_DBT_MODEL&&touch${IFS}$FLOE_CANARY",
      "x--help;touch${IFS}$FLOE_CANARY#",
    ];
    expect(names.every((n) => isPlainDbtModelName(n))).toBe(true);
    // per_model: one dbt call per task, the name in $FLOE_DBT_MODEL; build: one call with every name as an argv item.
    for (const executionMode of ["per_model", "build"] as const) {
      const plugin = new AirflowPlugin({ dbtExecutable: stub, retries: 0, executionMode });
      const defs = plugin.createDefinitions(hostileArtifacts(`{{ dag }} "$(touch ${canary})"`, names));
      const folder = join(dags, executionMode);
      await writeOutputDirectory(folder, defs.render());
      const dagId = defs.model.dags[0]!.dagId;
      rmSync(record, { force: true });
      await run(join(airflow.venv, "bin", "airflow"), ["dags", "test", dagId], {
        env: { ...airflow.env, AIRFLOW__CORE__DAGS_FOLDER: folder, FLOE_STUB_RECORD: record, FLOE_CANARY: canary },
        timeoutMs: 600_000,
      });
      expect(existsSync(canary)).toBe(false);
      const calls = readFileSync(record, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string[]);
      if (executionMode === "per_model") {
        expect(calls).toEqual(names.map((name) => ["build", "--select", name, "--indirect-selection", "buildable"]));
      } else {
        expect(calls).toEqual([["build", "--select", ...names, "--indirect-selection", "buildable", "--log-format", "json"]]);
      }
      const states = await taskStates(airflow, dagId);
      // The stub reports no node: each model's task finds no result (nothing built), as dbt's "nothing to do".
      expect(
        Object.entries(states)
          .filter(([id]) => id !== "dbt_build")
          .map(([, s]) => s)
          .sort(),
      ).toEqual(names.map(() => "success"));
    }
  }, 1_200_000); // two `airflow dags test` runs (one per execution mode)

  it("property: any names give a DAG file that parses and imports, each task carrying its exact name", async () => {
    const pieces = fc.constantFrom(
      "$(",
      ")",
      "`",
      "'",
      '"',
      "\\",
      "{{",
      "}}",
      "{%",
      "%}",
      "{#",
      "\n",
      "\r",
      "\u0000",
      "\u2028",
      "é",
      "𝔉",
      "\ud800",
      "#",
      ";",
      "|",
      "&",
      " ",
      "\t",
      "%",
      "$",
      ".md",
      "'''",
      '"""',
    );
    // Names dbt's --select would not match alone are refused before rendering; the rest must survive.
    const name = fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 40, unit: "binary" }),
        fc
          .array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 10 })
          .map((parts) => parts.join(""))
          .filter((s) => s.length > 0),
      )
      .filter((s) => isPlainDbtModelName(s));
    let run_ = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(name, { minLength: 20, maxLength: 60 }),
        fc.string({ minLength: 1, maxLength: 60, unit: "binary" }),
        async (names, product) => {
          const folder = join(airflow.home, `hostile-parse-${run_++}`);
          const defs = new AirflowPlugin().createDefinitions(hostileArtifacts(product, names));
          await writeOutputDirectory(folder, defs.render());
          const report = await loadDagBag(airflow, folder);
          expect(report.ast_errors).toEqual({});
          expect(report.import_errors).toEqual({});
          const dag = report.dags[defs.model.dags[0]!.dagId];
          expect(dag).toBeDefined();
          // Build mode (the default) adds the `dbt_build` task (renamed if a model's task takes that id).
          const buildTaskId = defs.model.dags[0]!.buildTaskId!;
          const modelTasks = Object.entries(dag!.tasks).filter(([id]) => id !== buildTaskId);
          expect(dag!.tasks[buildTaskId]).toBeDefined();
          expect(modelTasks.map(([, t]) => t.model).sort()).toEqual([...names].sort());
          expect(modelTasks.map(([id]) => id).sort()).toEqual(names.map(airflowTaskId).sort());
        },
      ),
      { numRuns: 3 },
    );
  });
});
