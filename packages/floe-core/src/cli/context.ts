/** What a command may touch: its streams, working directory and environment, so tests can run it in-process. */
export interface CliContext {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  debug: boolean;
  /**
   * When the run began (epoch ms), for promises that hold for the whole command (validate-connection's
   * 10 s): the `floe` bin passes its process's start; in-process callers default to the command's start.
   */
  startedAtMs?: number;
}

export interface Command {
  /** Words that select the command, e.g. ["lineage", "emit"]. */
  path: string[];
  summary: string;
  usage: string;
  /** Returns the exit code; throws FloeError for bad input (exit 2) or failed operations (exit 1). */
  run(args: string[], ctx: CliContext): Promise<number>;
}
