import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import { FloeError } from "../../errors.js";
import { checkOutputTarget } from "../../output/write-output-file.js";
import { BUNDLED_DBT_PROJECT_DIR, checkDbtProjectDir, readDbtProjectBundle } from "../../output/bundle-dbt-project.js";
import { dbtAdapterWarning } from "../../runtime/python-requirements.js";
import { floeRuntimeWheelFile } from "../../runtime/floe-runtime-wheel.js";
import { FLOE_RUNTIME_WHEEL_PATH } from "../../runtime-version.js";
import { writeOutputDirectory, type OutputFile, type OutputLayoutKind } from "../../output/write-output.js";
import { loadPlugin } from "../../plugin-registry.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";
import { relative, resolve, sep } from "node:path";

const usage =
  "floe generate <artifacts.json> --orchestrator <name> --out <dir> --dbt-project <dir> [--bundle-dbt-project] [--out-layout plain|symlink] [--execution-mode build|per_model]";

/** The project as the generated code names it: `dbt` when bundled, else its path relative to the output. */
function projectDirForOutput(outDir: string, projectDir: string, bundled: boolean): string {
  if (bundled) return BUNDLED_DBT_PROJECT_DIR;
  const rel = relative(outDir, projectDir);
  if (rel === "") return ".";
  // Another Windows drive has no relative path: relative() then returns the absolute one.
  return rel.split(sep).join("/");
}

const options: Record<string, CommandOption> = {
  orchestrator: { type: "string", value: "<name>", description: "the plugin that writes the code (floe plugins lists them)", default: "required" },
  out: { type: "string", value: "<dir>", description: "the output directory, replaced atomically", default: "required" },
  "dbt-project": { type: "string", value: "<dir>", description: "the dbt project the generated code runs (recorded relative to the output; FLOE_DBT_PROJECT_DIR overrides it at run time)", default: "required" },
  "bundle-dbt-project": { type: "boolean", description: "copy the dbt project into <out>/dbt (no target/, logs/, database files, .git)", default: "off" },
  "out-layout": { type: "string", value: "plain|symlink", description: "plain: a directory swapped by rename; symlink: a link to a versioned sibling", default: "plain" },
  "execution-mode": {
    type: "string",
    value: "build|per_model",
    description: "airflow: build runs dbt once per DAG run and each model's task reports its result; per_model runs one dbt process per model task",
    default: "the plugin's (airflow: build)",
  },
};

export const generateCommand: Command = {
  path: ["generate"],
  summary: "write the orchestrator's code (and values.yaml) for compiled artifacts",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    const file = requirePositional(positionals, 0, "<artifacts.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const orchestrator = stringOption(values, "orchestrator");
    const out = stringOption(values, "out");
    if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usage}` });
    if (!out) throw new FloeError("FLOE_USAGE", "missing --out", { path: "--out", hint: `usage: ${usage}` });
    // Before anything is created next to it (a versions folder beside `/` or `/dev/null`).
    await checkOutputTarget(resolve(ctx.cwd, out), "directory");
    const layout = stringOption(values, "out-layout") ?? "plain";
    if (layout !== "plain" && layout !== "symlink") {
      throw new FloeError("FLOE_USAGE", `unknown --out-layout "${layout}"`, { path: "--out-layout", hint: "use plain (a directory, the default) or symlink" });
    }
    const executionMode = stringOption(values, "execution-mode");
    if (executionMode !== undefined && executionMode !== "build" && executionMode !== "per_model") {
      throw new FloeError("FLOE_USAGE", `unknown --execution-mode "${executionMode}"`, { path: "--execution-mode", hint: "use build (one dbt invocation per run) or per_model (one dbt process per model)" });
    }
    const bundle = values["bundle-dbt-project"] === true;
    const dbtProject = stringOption(values, "dbt-project");
    const outDir = resolve(ctx.cwd, out);
    const projectDir = dbtProject ? resolve(ctx.cwd, dbtProject) : null;
    // Validated once, here, before any plugin loads: the plugin gets ValidatedArtifacts.
    const { artifacts, warnings } = parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>"));
    for (const warning of warnings) ctx.stderr(`warning: ${warning}\n`);
    const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd });
    // Every file the plugin writes, values.yaml included: what the API returns is what the CLI writes.
    const generated = plugin.generate(artifacts, {
      ...(projectDir ? { dbtProjectDir: projectDirForOutput(outDir, projectDir, bundle) } : {}),
      ...(executionMode !== undefined ? { pluginOptions: { executionMode } } : {}),
    });
    // Checked after the artifacts, so a bad input is reported the same with or without a project. The
    // artifacts name the models but hold no SQL, so generated code always needs the project itself.
    if (!projectDir) {
      throw new FloeError("FLOE_USAGE", "missing --dbt-project: the generated code runs the product's dbt project", {
        path: "--dbt-project",
        hint: "pass --dbt-project <dir> (recorded relative to --out), and --bundle-dbt-project to copy it into the output",
      });
    }
    await checkDbtProjectDir(projectDir, dbtProject!);
    for (const warning of generated.warnings) ctx.stderr(`floe: warning: ${warning}\n`);
    const files: OutputFile[] = [...generated.files];
    if (bundle) {
      if (files.some((f) => f.path === BUNDLED_DBT_PROJECT_DIR || f.path.startsWith(`${BUNDLED_DBT_PROJECT_DIR}/`))) {
        throw new FloeError("FLOE_INTERNAL", `the ${orchestrator} plugin writes into ${BUNDLED_DBT_PROJECT_DIR}/, where the bundled dbt project goes`);
      }
      const bundled = await readDbtProjectBundle(projectDir);
      for (const path of bundled.skipped) ctx.stderr(`warning: --bundle-dbt-project: skipped ${path} (not a regular file)\n`);
      files.push(...bundled.files);
    }
    // floe-runtime is on no package index: the output carries its wheel, which the generated
    // requirements.txt and Dockerfile name by path (only when a generated file names it).
    if (files.some((f) => typeof f.content === "string" && f.content.includes(FLOE_RUNTIME_WHEEL_PATH))) {
      if (files.some((f) => f.path === FLOE_RUNTIME_WHEEL_PATH)) throw new FloeError("FLOE_INTERNAL", `the ${orchestrator} plugin writes ${FLOE_RUNTIME_WHEEL_PATH}, which floe writes`);
      files.push(await floeRuntimeWheelFile());
    }
    const adapterWarning = dbtAdapterWarning(artifacts);
    if (adapterWarning) ctx.stderr(`warning: ${adapterWarning}\n`);
    await writeOutputDirectory(outDir, files, { layout });
    ctx.stdout(`wrote ${files.length} files for ${orchestrator} to ${out}\n`);
    return 0;
  },
};
