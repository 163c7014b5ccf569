/** The `floe` command line: dispatch, help, and the exit-code convention (0 ok, 1 failed, 2 bad input). */
import { cliFieldPath, formatErrorLine, isBadInput, isFloeError, oneLine } from "../errors.js";
import { closestWord, MAX_SUGGEST_INPUT } from "./closest-word.js";
import { COMMANDS } from "./commands/index.js";
import { quoteInput } from "../redact.js";
import type { CliContext, Command } from "./context.js";

import { FLOE_CORE_VERSION } from "./version.js";

export { FLOE_CORE_VERSION };

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "floe: turn compiled data products into Dagster or Airflow pipelines",
    "",
    "usage: floe <command> [options]   (floe help <command> or floe <command> --help for details)",
    "",
    "commands:",
    ...lines,
    "",
    "global options: --version, --help, --debug (stack traces on errors)",
    "exit codes: 0 success, 1 the operation failed, 2 bad input or usage, 3 changes planned (generate --plan)",
    "",
  ].join("\n");
}

/** `floe <command> --help`: the summary, the usage, and every option with its default and environment variable. */
export function commandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, option]) => {
    const flag = `--${name}${option.value ? ` ${option.value}` : ""}`;
    const repeat = option.multiple ? " (repeatable)" : "";
    const env = option.env ? `; env: ${option.env}` : "";
    return [flag, `${option.description}${repeat} (default: ${option.default}${env})`] as [string, string];
  });
  rows.push(["--help", "show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    command.summary,
    "",
    `usage: ${command.usage}`,
    "",
    "options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ];
  const environment = Object.entries(command.environment ?? {});
  if (environment.length) {
    const envWidth = Math.max(...environment.map(([name]) => name.length));
    lines.push("", "environment:", ...environment.map(([name, text]) => `  ${name.padEnd(envWidth)}  ${text}`));
  }
  return `${lines.join("\n")}\n`;
}

/** The usage error for words that name no command, with the nearest command when one is close. */
function unknownCommand(words: string[]): string {
  const firstWords = [...new Set(COMMANDS.map((c) => c.path[0]!))];
  const first = words[0] ?? "";
  const group = firstWords.includes(first) ? first : closestWord(first, firstWords);
  let suggestion: string | undefined;
  if (group !== undefined) {
    const members = COMMANDS.filter((c) => c.path[0] === group);
    const single = members.find((c) => c.path.length === 1);
    if (single) suggestion = group === first ? undefined : group;
    else {
      const second = closestWord(
        words[1] ?? "",
        members.map((c) => c.path[1]!),
      );
      if (second !== undefined && (group !== first || second !== words[1])) suggestion = `${group} ${second}`;
      else if (group === first)
        return `floe: FLOE_USAGE: unknown command ${quoteInput(words.slice(0, 2).join(" "), MAX_SUGGEST_INPUT)} (hint: ${members.map((c) => c.path.join(" ")).join(", ")})\n`;
    }
  }
  const hint = suggestion ? `did you mean "floe ${suggestion}"? see floe --help` : "see floe --help";
  return `floe: FLOE_USAGE: unknown command ${quoteInput(words.slice(0, 2).join(" "), MAX_SUGGEST_INPUT)} (hint: ${hint})\n`;
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
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || (argv[0] === "help" && argv.length === 1)) {
      ctx.stdout(mainHelp());
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === "help") {
      const wanted = argv.slice(1);
      const target = findCommand(wanted);
      if (!target || target.rest.length > 0) {
        ctx.stderr(unknownCommand(wanted));
        return 2;
      }
      ctx.stdout(commandHelp(target.command));
      return 0;
    }
    if (argv[0] === "--version" || argv[0] === "-v") {
      ctx.stdout(`${FLOE_CORE_VERSION}\n`);
      return 0;
    }
    const found = findCommand(argv);
    if (!found) {
      ctx.stderr(unknownCommand(argv));
      return 2;
    }
    if (found.rest.includes("--help") || found.rest.includes("-h")) {
      ctx.stdout(commandHelp(found.command));
      return 0;
    }
    return await found.command.run(found.rest, { ...ctx, argv });
  } catch (error) {
    if (isFloeError(error)) {
      // Library errors name fields (`options.out`); the CLI names the flag the user typed (`--out`).
      ctx.stderr(`floe: ${formatErrorLine(error, cliFieldPath)}\n`);
      if (ctx.debug && error.stack) ctx.stderr(`${error.stack}\n`);
      return isBadInput(error) ? 2 : 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.stderr(`floe: FLOE_INTERNAL: ${oneLine(message)} (hint: rerun with --debug and report this as a bug)\n`);
    if (ctx.debug && error instanceof Error && error.stack) ctx.stderr(`${error.stack}\n`);
    return 1;
  }
}
