/**
 * What the CLI does when its output cannot be written: a reader that went away (`floe … | head -1`,
 * EPIPE) ends floe quietly with exit 0, as Unix tools do; any other failure (a full disk, ENOSPC)
 * is one line on stderr and exit 1. Never Node's unhandled-error stack trace.
 */
import type { Writable } from "node:stream";

interface StdioProcess {
  stdout: Writable;
  stderr: Writable;
  exit(code: number): never;
}

export function watchStdio(proc: StdioProcess): void {
  let ended = false;
  const end = (code: number): void => {
    if (ended) return;
    ended = true;
    proc.exit(code);
  };
  proc.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") return end(0);
    try {
      proc.stderr.write(
        `floe: FLOE_OUTPUT_FAILED at (stdout): cannot write standard output: ${error.code ?? "error"} (hint: ${hintFor(error.code)})\n`,
      );
    } catch {
      // stderr is gone too: the exit code is all that is left.
    }
    end(1);
  });
  // Nothing useful can be said when stderr itself fails; keep the exit code the command chose.
  proc.stderr.on("error", () => undefined);
}

function hintFor(code: string | undefined): string {
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk that standard output goes to is full; free space and rerun";
  return "check where standard output is redirected";
}
