/** The `floe` command line: dispatch, help, and the exit-code convention (0 ok, 1 failed, 2 bad input). */
import { createRequire } from "node:module";
import { formatErrorLine, isBadInput, isFloeError, oneLine } from "../errors.js";
import { COMMANDS } from "./commands/index.js";
import { quoteInput } from "../redact.js";
import type { CliContext, Command } from "./context.js";

const require = createRequire(import.meta.url);
export const FLOE_CORE_VERSION: string = (require("../../package.json") as { version: string }).version;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "floe: turn compiled data products into Dagster or Airflow pipelines",
    "",
    "usage: floe <command> [options]   (floe <command> --help for details)",
    "",
    "commands:",
    ...lines,
    "",
    "global options: --version, --help, --debug (stack traces on errors)",
    "exit codes: 0 success, 1 the operation failed, 2 bad input or usage",
    "",
  ].join("\n");
}

function findCommand(words: string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const n = command.path.length;
    if (words.length >= n && command.path.every((w, i) => words[i] === w)) {
      if (!best || n > best.command.path.length) best = { command, rest: words.slice(n) };
    }
  }
  return best;
}

/** Runs the CLI with `ctx.argv` (arguments after `floe`) and returns the exit code. */
export async function runCli(ctx: CliContext): Promise<number> {
  const argv = ctx.argv.filter((a) => a !== "--debug");
  try {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      ctx.stdout(mainHelp());
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === "--version" || argv[0] === "-v") {
      ctx.stdout(`${FLOE_CORE_VERSION}\n`);
      return 0;
    }
    const found = findCommand(argv);
    if (!found) {
      const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
      const known = group.length ? group.map((c) => c.path.join(" ")).join(", ") : "see floe --help";
      ctx.stderr(`floe: FLOE_USAGE: unknown command ${quoteInput(argv.slice(0, 2).join(" "), 60)} (hint: ${known})\n`);
      return 2;
    }
    if (found.rest.includes("--help") || found.rest.includes("-h")) {
      ctx.stdout(`${found.command.summary}\n\nusage: ${found.command.usage}\n`);
      return 0;
    }
    return await found.command.run(found.rest, { ...ctx, argv });
  } catch (error) {
    if (isFloeError(error)) {
      ctx.stderr(`floe: ${formatErrorLine(error)}\n`);
      if (ctx.debug && error.stack) ctx.stderr(`${error.stack}\n`);
      return isBadInput(error) ? 2 : 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.stderr(`floe: FLOE_INTERNAL: ${oneLine(message)} (hint: rerun with --debug and report this as a bug)\n`);
    if (ctx.debug && error instanceof Error && error.stack) ctx.stderr(`${error.stack}\n`);
    return 1;
  }
}
