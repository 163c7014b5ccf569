import { runCli } from "./run-cli.js";
import { watchStdio } from "./stdio-errors.js";

watchStdio(process);
const argv = process.argv.slice(2);
const code = await runCli({
  argv,
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  debug: argv.includes("--debug"),
  stdoutIsTTY: process.stdout.isTTY === true,
  startedAtMs: performance.timeOrigin,
});
process.exitCode = code;
