import { parseArtifactsJson } from "../../artifacts/parse-artifacts.js";
import { FloeError } from "../../errors.js";
import { checkOutputTarget } from "../../output/write-output-file.js";
import { BUNDLED_DBT_PROJECT_DIR, checkDbtProjectDir, readDbtProjectBundle } from "../../output/bundle-dbt-project.js";
import { dbtAdapterWarning } from "../../runtime/python-requirements.js";
import { floeRuntimeWheelFile } from "../../runtime/floe-runtime-wheel.js";
import { FLOE_RUNTIME_WHEEL_PATH } from "../../runtime-version.js";
import { readOutputManifest, writeOutputDirectory, type OutputFile, type OutputLayoutKind } from "../../output/write-output.js";
import { computePlan, renderPlan, switchWarning, type PlanSummary, type ScheduleLookup } from "../../plan/plan.js";
import type { FloeOrchestratorPlugin, ScheduleCapability } from "../../orchestrator-plugin.js";
import { loadPlugin } from "../../plugin-registry.js";
import { checkProducts } from "../../products/products.js";
import type { ValidatedArtifacts } from "../../artifacts/parse-artifacts.js";
import { parseCommandArgs, requirePositional, stringOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";
import { relative, resolve, sep } from "node:path";

const usage =
  "floe generate <artifacts.json>... --orchestrator <name> --out <dir> --dbt-project <dir>... [--bundle-dbt-project] [--out-layout plain|symlink] [--execution-mode build|per_model] [--plan [--json]]";

/** The plan summary floe stored in the output's `.floe-output.json`, when there is one. */
async function previousSummary(outDir: string): Promise<{ exists: boolean; summary: PlanSummary | undefined }> {
  const manifest = await readOutputManifest(outDir);
  const plan = manifest?.plan as PlanSummary | undefined;
  const valid =
    plan !== undefined &&
    typeof plan === "object" &&
    typeof plan.orchestrator === "string" &&
    Array.isArray(plan.jobs) &&
    Array.isArray(plan.schedules) &&
    Array.isArray(plan.datasets);
  return { exists: manifest !== undefined, summary: valid ? plan : undefined };
}

/**
 * Each orchestrator's schedule semantics for the plan and the switch warning: the plugin in use, and the
 * one the output in --out was written for when it differs and is installed (else its fire times are not shown).
 */
async function scheduleLookup(plugin: FloeOrchestratorPlugin, previous: PlanSummary | undefined, cwd: string): Promise<ScheduleLookup> {
  const known = new Map<string, ScheduleCapability | undefined>([[plugin.name, plugin.schedules]]);
  if (previous && !known.has(previous.orchestrator)) {
    known.set(
      previous.orchestrator,
      await loadPlugin(previous.orchestrator, { cwd }).then(
        (p) => p.schedules,
        () => undefined,
      ),
    );
  }
  return (orchestrator) => known.get(orchestrator);
}

/** The project as the generated code names it: `dbt` when bundled, else its path relative to the output. */
function projectDirForOutput(outDir: string, projectDir: string, bundled: boolean): string {
  if (bundled) return BUNDLED_DBT_PROJECT_DIR;
  const rel = relative(outDir, projectDir);
  if (rel === "") return ".";
  // Another Windows drive has no relative path: relative() then returns the absolute one.
  return rel.split(sep).join("/");
}

const options: Record<string, CommandOption> = {
  orchestrator: {
    type: "string",
    value: "<name>",
    description: "the plugin that writes the code (floe plugins lists them)",
    default: "required",
  },
  out: { type: "string", value: "<dir>", description: "the output directory, replaced atomically", default: "required" },
  "dbt-project": {
    type: "string",
    value: "<dir>",
    description:
      "the dbt project the generated code runs (recorded relative to the output; FLOE_DBT_PROJECT_DIR overrides it at run time); with several artifacts files, once for all or once per file in their order",
    default: "required",
    multiple: true,
  },
  "bundle-dbt-project": {
    type: "boolean",
    description: "copy the dbt project into <out>/dbt (no target/, logs/, database files, .git)",
    default: "off",
  },
  "out-layout": {
    type: "string",
    value: "plain|symlink",
    description: "plain: a directory swapped by rename; symlink: a link to a versioned sibling",
    default: "plain",
  },
  "execution-mode": {
    type: "string",
    value: "build|per_model",
    description:
      "airflow: build runs dbt once per DAG run and each model's task reports its result; per_model runs one dbt process per model task",
    default: "the plugin's (airflow: build)",
  },
  plan: {
    type: "boolean",
    description:
      "write nothing: print what would change against the output in --out (jobs, tasks/assets, schedules with next fire times, lineage datasets); exit 0 no change, 3 changes",
    default: "off",
  },
  json: { type: "boolean", description: "with --plan, print the plan as JSON", default: "off" },
};

export const generateCommand: Command = {
  path: ["generate"],
  summary: "write the orchestrator's code (and values.yaml) for compiled artifacts",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    const inputs = positionals;
    for (let i = 0; i < Math.max(1, inputs.length); i++) requirePositional(inputs, i, "<artifacts.json>", usage);
    const orchestrator = stringOption(values, "orchestrator");
    const out = stringOption(values, "out");
    if (!orchestrator) throw new FloeError("FLOE_USAGE", "missing --orchestrator", { path: "--orchestrator", hint: `usage: ${usage}` });
    if (!out) throw new FloeError("FLOE_USAGE", "missing --out", { path: "--out", hint: `usage: ${usage}` });
    // Before anything is created next to it (a versions folder beside `/` or `/dev/null`).
    await checkOutputTarget(resolve(ctx.cwd, out), "directory");
    const layout = stringOption(values, "out-layout") ?? "plain";
    if (layout !== "plain" && layout !== "symlink") {
      throw new FloeError("FLOE_USAGE", `unknown --out-layout "${layout}"`, {
        path: "--out-layout",
        hint: "use plain (a directory, the default) or symlink",
      });
    }
    const executionMode = stringOption(values, "execution-mode");
    if (executionMode !== undefined && executionMode !== "build" && executionMode !== "per_model") {
      throw new FloeError("FLOE_USAGE", `unknown --execution-mode "${executionMode}"`, {
        path: "--execution-mode",
        hint: "use build (one dbt invocation per run) or per_model (one dbt process per model)",
      });
    }
    const bundle = values["bundle-dbt-project"] === true;
    const given = (values["dbt-project"] as string[] | undefined) ?? [];
    // One artifacts file: a repeated --dbt-project keeps the last value, as every string option does.
    const dbtProjects = inputs.length === 1 ? given.slice(-1) : given;
    if (dbtProjects.length > 1 && dbtProjects.length !== inputs.length) {
      throw new FloeError("FLOE_USAGE", `${dbtProjects.length} --dbt-project for ${inputs.length} artifacts files`, {
        path: "--dbt-project",
        hint: "pass one --dbt-project for all artifacts files, or one per file in their order",
      });
    }
    if (inputs.length > 1 && bundle) {
      throw new FloeError("FLOE_USAGE", "--bundle-dbt-project bundles one product's project; this output has several", {
        path: "--bundle-dbt-project",
        hint: "drop --bundle-dbt-project (the projects are recorded relative to --out), or generate the products into separate outputs",
      });
    }
    const dbtProject = dbtProjects[0];
    const outDir = resolve(ctx.cwd, out);
    const projectDir = dbtProject ? resolve(ctx.cwd, dbtProject) : null;
    const projectDirs = inputs.map((_, i) => {
      const dir = dbtProjects[dbtProjects.length === 1 ? 0 : i];
      return dir === undefined ? null : resolve(ctx.cwd, dir);
    });
    // Validated once, here, before any plugin loads: the plugin gets ValidatedArtifacts.
    const products: ValidatedArtifacts[] = [];
    for (const file of inputs) {
      const { artifacts, warnings } = parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>"));
      for (const warning of warnings) ctx.stderr(`warning: ${inputs.length > 1 ? `${file}: ` : ""}${warning}\n`);
      products.push(artifacts);
    }
    // Unique product names; every consumed product and model among these files.
    checkProducts(products, inputs.length > 1 ? inputs : undefined);
    const plugin = await loadPlugin(orchestrator, { cwd: ctx.cwd });
    if (inputs.length > 1 && !plugin.products) {
      throw new FloeError("FLOE_USAGE", `the ${orchestrator} plugin generates one product per output`, {
        path: "argument 2",
        hint: "it has no products capability (floe plugins --json); generate each artifacts file into its own --out",
      });
    }
    const pluginOptions = executionMode !== undefined ? { pluginOptions: { executionMode } } : {};
    // Every file the plugin writes, values.yaml included: what the API returns is what the CLI writes.
    const generated =
      inputs.length === 1
        ? plugin.generate(products[0]!, {
            ...(projectDir ? { dbtProjectDir: projectDirForOutput(outDir, projectDir, bundle) } : {}),
            ...pluginOptions,
          })
        : plugin.products!.generate(
            products.map((artifacts, i) => ({
              artifacts,
              ...(projectDirs[i] ? { dbtProjectDir: projectDirForOutput(outDir, projectDirs[i]!, false) } : {}),
            })),
            pluginOptions,
          );
    // Checked after the artifacts, so a bad input is reported the same with or without a project. The
    // artifacts name the models but hold no SQL, so generated code always needs the project itself.
    if (!projectDir) {
      throw new FloeError("FLOE_USAGE", "missing --dbt-project: the generated code runs the product's dbt project", {
        path: "--dbt-project",
        hint: "pass --dbt-project <dir> (recorded relative to --out), and --bundle-dbt-project to copy it into the output",
      });
    }
    for (const [i, dir] of dbtProjects.entries()) await checkDbtProjectDir(resolve(ctx.cwd, dir), dbtProjects[i]!);
    for (const warning of generated.warnings) ctx.stderr(`floe: warning: ${warning}\n`);
    const files: OutputFile[] = [...generated.files];
    if (bundle) {
      if (files.some((f) => f.path === BUNDLED_DBT_PROJECT_DIR || f.path.startsWith(`${BUNDLED_DBT_PROJECT_DIR}/`))) {
        throw new FloeError(
          "FLOE_INTERNAL",
          `the ${orchestrator} plugin writes into ${BUNDLED_DBT_PROJECT_DIR}/, where the bundled dbt project goes`,
        );
      }
      const bundled = await readDbtProjectBundle(projectDir);
      for (const path of bundled.skipped) ctx.stderr(`warning: --bundle-dbt-project: skipped ${path} (not a regular file)\n`);
      files.push(...bundled.files);
    }
    // floe-runtime is on no package index: the output carries its wheel, which the generated
    // requirements.txt and Dockerfile name by path (only when a generated file names it).
    if (files.some((f) => typeof f.content === "string" && f.content.includes(FLOE_RUNTIME_WHEEL_PATH))) {
      if (files.some((f) => f.path === FLOE_RUNTIME_WHEEL_PATH))
        throw new FloeError("FLOE_INTERNAL", `the ${orchestrator} plugin writes ${FLOE_RUNTIME_WHEEL_PATH}, which floe writes`);
      files.push(await floeRuntimeWheelFile());
    }
    for (const warning of new Set(products.map(dbtAdapterWarning))) if (warning) ctx.stderr(`warning: ${warning}\n`);
    const summary = generated.plan;
    const previous = await previousSummary(outDir);
    const schedules = await scheduleLookup(plugin, previous.summary, ctx.cwd);
    const was = previous.summary?.orchestrator;
    if (
      summary &&
      was !== undefined &&
      was !== plugin.name &&
      previous.summary!.schedules.length > 0 &&
      (!schedules(was) || !plugin.schedules)
    ) {
      ctx.stderr(
        `floe: warning: cannot compare fire times across the switch ${was} -> ${plugin.name}: ${schedules(was) ? plugin.name : was} gives no schedule semantics here (install its plugin; floe plugins --json lists capabilities)\n`,
      );
    }
    if (values.plan === true) {
      if (!summary)
        throw new FloeError("FLOE_NOT_IMPLEMENTED", `the ${orchestrator} plugin gives no plan summary, so floe cannot plan its output`, {
          path: "--plan",
        });
      if (previous.exists && !previous.summary)
        ctx.stderr(`warning: ${out} was written by a floe without plan summaries: everything shows as added\n`);
      const plan = computePlan(previous.summary, summary, { schedules });
      ctx.stdout(values.json === true ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, out));
      return plan.changed ? 3 : 0;
    }
    if (values.json === true)
      throw new FloeError("FLOE_USAGE", "--json goes with --plan", {
        path: "--json",
        hint: "add --plan to print the plan as JSON, or drop --json",
      });
    if (summary) {
      const warning = switchWarning(previous.summary, summary, schedules);
      if (warning) ctx.stderr(`floe: warning: ${warning}\n`);
    }
    await writeOutputDirectory(outDir, files, { layout, ...(summary ? { manifest: { plan: summary } } : {}) });
    ctx.stdout(`wrote ${files.length} files for ${orchestrator} to ${out}\n`);
    return 0;
  },
};
