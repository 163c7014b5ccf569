import { artifactsFromManifest, checkProductName, formatReport } from "../../dbt/artifacts-from-manifest.js";
import { parseDbtManifestJson } from "../../dbt/dbt-manifest.js";
import { FloeError } from "../../errors.js";
import { parseIsoInstant } from "../../iso-instant.js";
import { quoteInput } from "../../redact.js";
import { parseYamlText } from "../../yaml-text.js";
import { checkOutputTarget, writeOutputFile } from "../../output/write-output-file.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional, stringOption } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";
import { FLOE_CORE_VERSION } from "../version.js";
import { resolve } from "node:path";

const usage =
  "floe artifacts from-dbt <manifest.json> --product <name> [--out <file>] [--product-version <semver>]" +
  " [--orchestration <jobs.yml>] [--compiled-at <ISO-8601>] [--strict]";

const options: Record<string, CommandOption> = {
  product: { type: "string", value: "<name>", description: "the data product's name (metadata.product_name)", default: "required" },
  out: { type: "string", value: "<file>", description: "write the artifacts to this file (replaced atomically)", default: "stdout" },
  "product-version": { type: "string", value: "<semver>", description: "the product's version", default: "0.1.0" },
  orchestration: {
    type: "string",
    value: "<jobs.yml>",
    description: "floe's orchestration extension (jobs, schedules) as YAML or JSON",
    default: "none",
  },
  "compiled-at": {
    type: "string",
    value: "<ISO-8601>",
    description: "the compile time to record",
    default: "the manifest's metadata.generated_at",
  },
  strict: { type: "boolean", description: "fail (exit 2) when the manifest holds resources no task or asset builds", default: "off" },
};

export const artifactsFromDbtCommand: Command = {
  path: ["artifacts", "from-dbt"],
  summary: "build CompiledArtifacts from a dbt manifest.json",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    const file = requirePositional(positionals, 0, "<manifest.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    const product = stringOption(values, "product");
    if (product === undefined) throw new FloeError("FLOE_USAGE", "missing --product", { path: "--product", hint: `usage: ${usage}` });
    checkProductName(product);
    const compiledAt = stringOption(values, "compiled-at");
    if (compiledAt !== undefined && parseIsoInstant(compiledAt) === undefined) {
      throw new FloeError(
        "FLOE_USAGE",
        `--compiled-at ${quoteInput(compiledAt)} is not an ISO-8601 instant with an offset on a real calendar date`,
        {
          path: "--compiled-at",
          hint: "e.g. 2026-01-01T00:00:00Z",
        },
      );
    }
    const productVersion = stringOption(values, "product-version");
    if (productVersion !== undefined && !/^\d+\.\d+\.\d+/.test(productVersion)) {
      throw new FloeError("FLOE_USAGE", `--product-version ${quoteInput(productVersion)} is not a semantic version`, {
        path: "--product-version",
        hint: "e.g. 1.0.0",
      });
    }
    const out = stringOption(values, "out");
    // Before any input is read: a bad target is refused however good the manifest is.
    if (out !== undefined) await checkOutputTarget(resolve(ctx.cwd, out), "file");
    const orchestrationFile = stringOption(values, "orchestration");
    const orchestration =
      orchestrationFile === undefined
        ? undefined
        : parseOrchestrationFile(await readInputFile(ctx.cwd, orchestrationFile, "--orchestration"));
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
    if (out === undefined) {
      ctx.stdout(text);
    } else {
      await writeOutputFile(resolve(ctx.cwd, out), text);
      ctx.stderr(`wrote ${out} (${artifacts.transforms?.models.length ?? 0} transforms)\n`);
    }
    return 0;
  },
};

function parseOrchestrationFile(text: string): unknown {
  return parseYamlText(text, {
    code: "FLOE_ARTIFACTS_INVALID",
    path: "--orchestration",
    hint: "the file holds floe's orchestration extension: { jobs: [...], schedules: [...] }",
  });
}
