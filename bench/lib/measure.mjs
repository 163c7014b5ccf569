// Shared helpers for the bench scripts: run a command under /usr/bin/time (wall time, peak RSS),
// describe the machine and tool versions, print aligned tables, save results for run-all.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FLOE = join(ROOT, "packages/floe-core/bin/floe.js");

/** Load average as printed next to each number ("1.23 0.98 0.75"). */
export function load() {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/**
 * Runs `cmd args` as a child under GNU time. Returns wall seconds (measured here, spawn to exit),
 * CPU seconds (user + system: less sensitive than wall time to other load on a shared machine), peak RSS in MB (the child's max resident set, from time -f %M), exit status and output.
 * `timedOut`: the command ran into `timeout` (ms) and was stopped.
 */
export function measure(cmd, args, { cwd = ROOT, env = process.env, input, timeout } = {}) {
  const timeFile = join(ROOT, "bench/.work", `time-${process.pid}.txt`);
  mkdirSync(dirname(timeFile), { recursive: true });
  const loadBefore = load();
  const started = performance.now();
  // A timeout (ms) goes to coreutils `timeout`, which signals the command's whole process group (an
  // Airflow run and the dbt it started), so nothing outlives it; GNU time still reports; status 124 (or 137).
  const limit = timeout ? ["/usr/bin/timeout", "--kill-after=30", `${Math.ceil(timeout / 1000)}s`] : [];
  const result = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%M %e %U %S", ...limit, cmd, ...args], {
    cwd,
    env,
    input,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  const seconds = (performance.now() - started) / 1000;
  const [rssKb, , user, sys] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return {
    seconds,
    cpuSeconds: user + sys,
    rssMb: rssKb / 1024,
    status: result.status,
    // 124: stopped by SIGTERM; 137: it ignored that and was killed 30 s later.
    timedOut: limit.length > 0 && (result.status === 124 || result.status === 137),
    stdout: result.stdout,
    stderr: result.stderr,
    load: loadBefore,
  };
}

/** Bytes under a file or directory. */
export function bytesUnder(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += bytesUnder(join(path, entry));
  return total;
}

export function venvPath(tool) {
  return execFileSync("bash", [join(ROOT, "scripts/python-env.sh"), tool], { encoding: "utf8" }).trim();
}

function pyVersions(tool, packages) {
  try {
    const py = join(venvPath(tool), "bin/python");
    const code = `import sys, importlib.metadata as m\nprint("python " + sys.version.split()[0])\nfor p in ${JSON.stringify(packages)}:\n    try: print(p + " " + m.version(p))\n    except Exception: print(p + " (not installed)")`;
    return execFileSync(py, ["-c", code], { encoding: "utf8" }).trim().split("\n");
  } catch (error) {
    return [`${tool} venv unavailable: ${error.message.split("\n")[0]}`];
  }
}

/** Machine and tool versions, as lines for the report. */
export function machine({ python = [] } = {}) {
  const lines = [
    `machine: ${cpus().length} cpus (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load ${load()}`,
    `node ${process.version}, floe-core ${JSON.parse(readFileSync(join(ROOT, "packages/floe-core/package.json"), "utf8")).version}`,
    `git ${gitHead()}`,
    `date ${new Date().toISOString()}`,
  ];
  if (python.includes("dagster"))
    lines.push(`dagster venv: ${pyVersions("dagster", ["dagster", "dagster-dbt", "dbt-core", "dbt-duckdb"]).join(", ")}`);
  if (python.includes("airflow"))
    lines.push(`airflow venv: ${pyVersions("airflow", ["apache-airflow", "astronomer-cosmos", "dbt-core"]).join(", ")}`);
  return lines;
}

function gitHead() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim();
    return `${head}${dirty ? " (with uncommitted changes)" : ""}`;
  } catch {
    return "unknown";
  }
}

/** Rows of objects -> an aligned Markdown table (readable in a terminal and in RESULTS.md). */
export function table(rows, columns) {
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  return [line(columns), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.map(line)].join("\n");
}

/** Saves a section of RESULTS.md (markdown) for run-all, keyed by bench name. */
export function saveReport(name, markdown) {
  const dir = join(ROOT, "bench/.work/reports");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), markdown);
}

export const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
export const secs = (s) => s.toFixed(2);
