import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "floe-core";

/** What one in-process `floe` command returned: its exit code and everything it wrote. */
export interface FloeCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where the command runs: `cwd` defaults to the process's, `env` to none at all (no ambient variables). */
export interface FloeCliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdoutIsTTY?: boolean;
}

/** Runs `floe <argv…>` in this process through floe-core's `runCli`, collecting stdout and stderr. */
export async function runFloe(argv: string[], options: FloeCliOptions = {}): Promise<FloeCliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    debug: false,
    ...(options.stdoutIsTTY === undefined ? {} : { stdoutIsTTY: options.stdoutIsTTY }),
  });
  return { code, stdout, stderr };
}

/** The `floe` bin of this checkout's floe-core (its `dist`: run `pnpm build` first). */
export const FLOE_BIN = fileURLToPath(new URL("../../floe-core/bin/floe.js", import.meta.url));

/**
 * Runs the built `floe` bin as a child process, asynchronously (the test's event loop stays free to serve
 * whatever the command talks to). `env` is the child's whole environment; `code` is null when a signal ended it.
 */
export function spawnFloe(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLOE_BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
