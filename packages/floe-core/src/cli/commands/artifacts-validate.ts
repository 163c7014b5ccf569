import { formatPath, parseArtifactsJson, type ParsedArtifacts } from "../../artifacts/parse-artifacts.js";
import { isBadInput, isFloeError, type FloeError } from "../../errors.js";
import { parseCommandArgs, refuseExtraPositionals, requirePositional } from "../args.js";
import type { Command, CommandOption } from "../context.js";
import { readInputFile } from "../read-input.js";

const usage = "floe artifacts validate <artifacts.json> [--json]";

const options: Record<string, CommandOption> = {
  json: {
    type: "boolean",
    description: "print the verdict as JSON on stdout: the file's summary, or every problem found (exit 2)",
    default: "off",
  },
};

export const artifactsValidateCommand: Command = {
  path: ["artifacts", "validate"],
  summary: "check a CompiledArtifacts file (shape, version, transform graph)",
  usage,
  options,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, options, usage);
    const file = requirePositional(positionals, 0, "<artifacts.json>", usage);
    refuseExtraPositionals(positionals, 1, usage);
    let parsed: ParsedArtifacts;
    try {
      parsed = parseArtifactsJson(await readInputFile(ctx.cwd, file, "<artifacts.json>"));
    } catch (error) {
      // --json callers read stdout: they get every problem there; stderr keeps its one line.
      if (values.json && isFloeError(error) && isBadInput(error))
        ctx.stdout(`${JSON.stringify({ valid: false, problems: problemsOf(error) })}\n`);
      throw error;
    }
    const { artifacts, warnings } = parsed;
    const models = artifacts.transforms?.models.length ?? 0;
    if (values.json) {
      ctx.stdout(
        `${JSON.stringify({ valid: true, version: artifacts.version, product: artifacts.metadata.product_name, models, warnings })}\n`,
      );
    } else {
      for (const warning of warnings) ctx.stderr(`warning: ${warning}\n`);
      ctx.stdout(
        `${file}: valid CompiledArtifacts ${artifacts.version} (${artifacts.metadata.product_name}, ${models} model${models === 1 ? "" : "s"})\n`,
      );
    }
    return 0;
  },
};

interface Problem {
  code: string;
  path: string;
  message: string;
  hint?: string;
}

/** Every problem behind one error: each schema issue on its own, else the error itself. */
function problemsOf(error: FloeError): Problem[] {
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues.map((issue: { path?: PropertyKey[]; message?: string }) => {
      const path = formatPath(issue.path ?? []);
      return { code: error.code, path, message: issue.message ?? "invalid", hint: `fix ${path} in the CompiledArtifacts` };
    });
  }
  return [{ code: error.code, path: error.path ?? "(document)", message: error.message, ...(error.hint ? { hint: error.hint } : {}) }];
}
