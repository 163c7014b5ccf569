// floe-runtime ships WITH the output: `floe generate` writes its wheel to <out>/wheels/ and the generated
// requirements.txt names it by a relative path (never by an index name nobody owns). Checked with real
// pip: the whole requirements.txt resolves, offline, against the tool venv the e2e tests ran the code
// with, and a fresh venv made with `python -m venv` installs the wheel line and imports floe_runtime.
// The shipped wheel is compared with the one hatchling builds from python/floe-runtime (check.sh's build).
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, floe, tempDir } from "../hardening/support.js";

const EXAMPLE = join(ROOT, "examples", "jaffle_shop");
const ARTIFACTS = join(EXAMPLE, "compiled_artifacts.json");
const WHEEL = "wheels/floe_runtime-0.1.0-py3-none-any.whl";
const EXTRA = { dagster: "dagster", airflow: "airflow" } as const;

function pythonEnv(tool: string): string {
  return execFileSync(join(ROOT, "scripts", "python-env.sh"), [tool], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

// pip reads PIP_* settings and pip.conf of the machine (find-links, an index): the checks use none of them.
const PIP_ENV = { ...process.env, PIP_CONFIG_FILE: "/dev/null", PIP_FIND_LINKS: "", PIP_NO_INPUT: "1" };

function run(cmd: string, args: string[], cwd: string) {
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", env: PIP_ENV, timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function generate(orchestrator: string, out: string): void {
  const result = floe(["generate", ARTIFACTS, "--orchestrator", orchestrator, "--out", out, "--dbt-project", EXAMPLE]);
  expect(result.status, result.stderr).toBe(0);
}

/** The entries of a zip (stored or deflated) via Python's zipfile: name -> bytes (hex). */
function wheelEntries(python: string, wheel: string): Record<string, string> {
  const script =
    "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: z.read(n).hex() for n in z.namelist()}))";
  return JSON.parse(execFileSync(python, ["-c", script, wheel], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as Record<
    string,
    string
  >;
}

function metadataFields(hex: string): { fields: Record<string, string[]>; body: string } {
  const text = Buffer.from(hex, "hex").toString("utf8");
  const [head, ...rest] = text.split("\n\n");
  const fields: Record<string, string[]> = {};
  for (const line of head!.split("\n")) {
    const at = line.indexOf(": ");
    const key = line.slice(0, at);
    fields[key] = [...(fields[key] ?? []), line.slice(at + 2)];
  }
  for (const values of Object.values(fields)) values.sort();
  return { fields, body: rest.join("\n\n") };
}

describe.each(["dagster", "airflow"] as const)("%s output", (orchestrator) => {
  let out: string;
  let venv: string;
  beforeAll(() => {
    out = join(tempDir(`wheel-${orchestrator}`), "out");
    generate(orchestrator, out);
    venv = pythonEnv(orchestrator);
  });

  it("carries floe-runtime's wheel, lists it as written by floe, and names it only by its relative path", () => {
    const manifest = JSON.parse(readFileSync(join(out, ".floe-output.json"), "utf8")) as { files: string[] };
    expect(manifest.files).toContain(WHEEL);
    expect(readdirSync(join(out, "wheels"))).toEqual(["floe_runtime-0.1.0-py3-none-any.whl"]);
    const requirements = readFileSync(join(out, "requirements.txt"), "utf8");
    expect(requirements).toMatch(new RegExp(`^\\./${WHEEL.replace(/\./g, "\\.")}\\[${EXTRA[orchestrator]}\\]$`, "m"));
    // No requirement asks an index for floe-runtime (a name nobody owns there).
    expect(requirements.split("\n").filter((l) => /^floe[-_]runtime\b/i.test(l))).toEqual([]);
    const dockerfile = readFileSync(join(out, "Dockerfile"), "utf8");
    const copy = dockerfile.indexOf(`COPY ${WHEEL} ./${WHEEL}`);
    expect(copy).toBeGreaterThan(0);
    expect(copy).toBeLessThan(dockerfile.indexOf("RUN pip install"));
  });

  it("is the same bytes on every generate", () => {
    const again = join(tempDir(`wheel-again-${orchestrator}`), "out");
    generate(orchestrator, again);
    expect(readFileSync(join(again, WHEEL)).equals(readFileSync(join(out, WHEEL)))).toBe(true);
  });

  it("requirements.txt resolves with real pip, offline, against the versions floe's e2e tests ran", () => {
    // --no-index: nothing may come from an index; the tested venv satisfies every range, the wheel is a local file.
    const result = run(join(venv, "bin", "pip"), ["install", "--dry-run", "--no-index", "-r", "requirements.txt"], out);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Processing \.\/wheels\/floe_runtime-0\.1\.0-py3-none-any\.whl/);
    expect(result.output).not.toMatch(/ERROR/);
  });
});

it("a fresh `python -m venv` gets the requirements' wheel line with real pip and imports floe_runtime", () => {
  const dir = tempDir("wheel-venv");
  const out = join(dir, "out");
  generate("dagster", out);
  const line = readFileSync(join(out, "requirements.txt"), "utf8")
    .split("\n")
    .find((l) => l.includes(WHEEL))!;
  const fresh = join(dir, "venv");
  // Without its own pip (ensurepip takes ~40 s on a loaded machine): the tested venv's pip installs into it (--python).
  const created = run("python3", ["-m", "venv", "--without-pip", fresh], dir);
  expect(created.status, created.output).toBe(0);
  const pip = [join(pythonEnv("dagster"), "bin", "pip"), "--python", join(fresh, "bin", "python")] as const;
  // The line as written, from the output directory (pip resolves the path against its working directory);
  // --no-deps: the extra's openlineage-python is checked by the resolution above, offline.
  const installed = run(pip[0], [pip[1], pip[2], "install", "--no-index", "--no-deps", line], out);
  expect(installed.status, installed.output).toBe(0);
  const check = run(
    join(fresh, "bin", "python"),
    [
      "-c",
      "import importlib.metadata as m, floe_runtime, floe_runtime.lineage, floe_runtime.dbt_events; print(floe_runtime.__version__, m.version('floe-runtime'), sorted(m.metadata('floe-runtime').get_all('Provides-Extra')))",
    ],
    dir,
  );
  expect(check.status, check.output).toBe(0);
  expect(check.output.trim()).toBe("0.1.0 0.1.0 ['airflow', 'dagster']");
  const pipCheck = run(pip[0], [pip[1], pip[2], "check"], dir);
  expect(pipCheck.status, pipCheck.output).toBe(0);
});

it("is the wheel hatchling builds from python/floe-runtime (check.sh's build): same name, version, files and dependencies", () => {
  const dir = tempDir("wheel-hatchling");
  const out = join(dir, "out");
  generate("dagster", out);
  const dev = pythonEnv("floe-runtime");
  const built = join(dir, "built");
  execFileSync(
    join(dev, "bin", "python"),
    ["-m", "build", "--wheel", "--no-isolation", "--outdir", built, join(ROOT, "python", "floe-runtime")],
    {
      stdio: "ignore",
    },
  );
  expect(readdirSync(built)).toEqual([WHEEL.split("/")[1]]);
  const ours = wheelEntries(join(dev, "bin", "python"), join(out, WHEEL));
  const theirs = wheelEntries(join(dev, "bin", "python"), join(built, WHEEL.split("/")[1]!));
  const pkg = (entries: Record<string, string>) =>
    Object.fromEntries(Object.entries(entries).filter(([name]) => name.startsWith("floe_runtime/")));
  expect(Object.keys(pkg(ours)).length).toBeGreaterThan(3);
  expect(pkg(ours)).toEqual(pkg(theirs));
  const distInfo = "floe_runtime-0.1.0.dist-info";
  const a = metadataFields(ours[`${distInfo}/METADATA`]!);
  const b = metadataFields(theirs[`${distInfo}/METADATA`]!);
  for (const field of [
    "Name",
    "Version",
    "Summary",
    "Requires-Python",
    "Provides-Extra",
    "Requires-Dist",
    "Classifier",
    "Description-Content-Type",
  ]) {
    expect(a.fields[field], field).toEqual(b.fields[field]);
  }
  expect(a.body).toBe(b.body);
  expect(ours[`${distInfo}/LICENSE`]).toBe(theirs[`${distInfo}/licenses/LICENSE`]);
});
