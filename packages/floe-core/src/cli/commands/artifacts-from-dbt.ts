import { parse as parseYaml } from "yaml";
import { artifactsFromManifest, checkProductName, formatReport } from "../../dbt/artifacts-from-manifest.js";
import { parseDbtManifestJson } from "../../dbt/dbt-manifest.js";
import { FloeError } from "../../errors.js";
import { writeOutputFile } from "../../output/write-output-file.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption } from "../args.js";
import type { Command } from "../context.js";
import { readInputFile } from "../read-input.js";
import { FLOE_CORE_VERSION } from "../version.js";
import { resolve } from "node:path";

const usage =
  "floe artifacts from-dbt <manifest.json> --product <name> [--out <file>] [--product-version <semver>]" +
  " [--orchestration <jobs.yml>] [--compiled-at <ISO-8601>] [--strict]";

export const artifactsFromDbtCommand: Command = {
  path: ["artifacts", "from-dbt"],
  summary: "build CompiledArtifacts from a dbt manifest.json",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        product: { type: "string" },
        out: { type: "string" },
        "product-version": { type: "string" },
        orchestration: { type: "string" },
        "compiled-at": { type: "string" },
        strict: { type: "boolean" },
      },
      usage,
    );
    const file = requirePositional(positionals, 0, "<manifest.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const product = stringOption(values, "product");
    if (product === undefined) throw new FloeError("FLOE_USAGE", "missing --product", { path: "--product", hint: `usage: ${usage}` });
    checkProductName(product);
    const compiledAt = stringOption(values, "compiled-at");
    if (compiledAt !== undefined && !isIsoInstant(compiledAt)) {
      throw new FloeError("FLOE_USAGE", `--compiled-at ${JSON.stringify(compiledAt)} is not an ISO-8601 instant`, {
        path: "--compiled-at",
        hint: "e.g. 2026-01-01T00:00:00Z",
      });
    }
    const productVersion = stringOption(values, "product-version");
    if (productVersion !== undefined && !/^\d+\.\d+\.\d+/.test(productVersion)) {
      throw new FloeError("FLOE_USAGE", `--product-version ${JSON.stringify(productVersion)} is not a semantic version`, {
        path: "--product-version",
        hint: "e.g. 1.0.0",
      });
    }
    const orchestrationFile = stringOption(values, "orchestration");
    const orchestration = orchestrationFile === undefined ? undefined : parseOrchestrationFile(await readInputFile(ctx.cwd, orchestrationFile, "--orchestration"), orchestrationFile);
    const manifest = parseDbtManifestJson(await readInputFile(ctx.cwd, file, "<manifest.json>"));
    const { artifacts, report } = artifactsFromManifest(manifest, {
      product,
      productVersion,
      compiledAt,
      floeVersion: FLOE_CORE_VERSION,
      orchestration,
      strict: values.strict === true,
    });
    // What is run with the models (tests) and what nothing builds, before anything is written.
    for (const line of formatReport(report)) ctx.stderr(`${line}\n`);
    // The validated document, defaults applied, so readers see every field floe will use.
    const text = `${JSON.stringify(artifacts, null, 2)}\n`;
    const out = stringOption(values, "out");
    if (out === undefined) {
      ctx.stdout(text);
    } else {
      await writeOutputFile(resolve(ctx.cwd, out), text);
      ctx.stderr(`wrote ${out} (${artifacts.transforms?.models.length ?? 0} transforms)\n`);
    }
    return 0;
  },
};

function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}

function parseOrchestrationFile(text: string, file: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw new FloeError("FLOE_ARTIFACTS_INVALID", `${file} is not YAML or JSON: ${(error as Error).message.split("\n")[0]}`, {
      path: "--orchestration",
      hint: "the file holds floe's orchestration extension: { jobs: [...], schedules: [...] }",
      cause: error,
    });
  }
}
