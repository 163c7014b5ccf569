/** What a command may touch: its streams, working directory and environment, so tests can run it in-process. */
export interface CliContext {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  debug: boolean;
  /** Whether standard output is a terminal (the `floe` bin passes process.stdout.isTTY); false when absent. */
  stdoutIsTTY?: boolean;
  /**
   * When the run began (epoch ms), for promises that hold for the whole command (validate-connection's
   * 10 s): the `floe` bin passes its process's start; in-process callers default to the command's start.
   */
  startedAtMs?: number;
}

/** One `--option`: how it parses and what `--help` says about it. */
export interface CommandOption {
  type: "string" | "boolean";
  multiple?: boolean;
  /** The value's placeholder in help, e.g. `<file>`. */
  value?: string;
  description: string;
  /** What applies when the option is absent, in words ("required", "off", "stdout", "10"). */
  default: string;
  /** The environment variable read when the option is absent. */
  env?: string;
}

export interface Command {
  /** Words that select the command, e.g. ["lineage", "emit"]. */
  path: string[];
  summary: string;
  usage: string;
  /** Every option the command accepts: its parser reads this same table, so help cannot miss one. */
  options: Record<string, CommandOption>;
  /** Environment variables the command reads that no option stands for, with what each does. */
  environment?: Record<string, string>;
  /** Returns the exit code; throws FloeError for bad input (exit 2) or failed operations (exit 1). */
  run(args: string[], ctx: CliContext): Promise<number>;
}
