// Faults from the outside hostile probe (issue 15): each case runs the built CLI as a user would and
// checks the promise the README makes — bad input is exit 2 with one line, a failed operation exit 1
// with one line, no stack trace, nothing created where it should not be, and no hang.
import { spawn, execFileSync } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FLOE, ROOT, baseArtifacts, tempDir } from "./support.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI without blocking this process (the loopback servers below live in it). */
function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdout?: "pipe" | number; closeStdoutAfterFirstLine?: boolean } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [FLOE, ...args], {
      cwd: ROOT,
      env: { ...process.env, OPENLINEAGE_URL: "", ...options.env },
      stdio: ["ignore", options.stdout ?? "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d;
      // `| head -1`: the reader goes away after the first line.
      if (options.closeStdoutAfterFirstLine && stdout.includes("\n")) child.stdout?.destroy();
    });
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function oneLineError(r: Run, code: number, pattern: RegExp): void {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(r.code, r.stderr).toBe(code);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const MANIFEST = (meta: string): string =>
  `{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","project_name":"shop","dbt_version":"1.11.0"},"sources":{},"nodes":{"model.shop.a":{"unique_id":"model.shop.a","name":"a","resource_type":"model","package_name":"shop","original_file_path":"models/a.sql","schema":"main","tags":[],"description":"","config":{"enabled":true,"materialized":"view"},"depends_on":{"nodes":[]},"meta":${meta}}}}`;
const DEEP = 100_000;

describe("100,000-deep nesting is bad input, not a stack overflow", () => {
  it("in a manifest's meta (from-dbt) and in artifacts (validate, generate): exit 2, one line naming the field", async () => {
    const dir = tempDir("deep");
    writeFileSync(join(dir, "manifest.json"), MANIFEST(`${"[".repeat(DEEP)}${"]".repeat(DEEP)}`));
    const artifacts = baseArtifacts([{ name: "a", compute: "duckdb", tags: [], depends_on: [], meta: { x: "@" } }]);
    writeFileSync(join(dir, "a.json"), JSON.stringify(artifacts).replace('"@"', `${'{"k":'.repeat(DEEP)}1${"}".repeat(DEEP)}`));
    const fromDbt = await run(["artifacts", "from-dbt", join(dir, "manifest.json"), "--product", "shop", "--out", join(dir, "out.json")]);
    oneLineError(fromDbt, 2, /^floe: FLOE_MANIFEST_INVALID at nodes\.model\.shop\.a\.meta\[0\]\[0\]\S*: nested more than 200 levels deep/);
    expect(existsSync(join(dir, "out.json"))).toBe(false);
    for (const args of [
      ["artifacts", "validate", join(dir, "a.json")],
      ["generate", join(dir, "a.json"), "--orchestrator", "dagster", "--out", join(dir, "out")],
    ]) {
      const r = await run(args);
      oneLineError(r, 2, /^floe: FLOE_ARTIFACTS_INVALID at transforms\.models\[0\]\.meta\.x\.k\.k\S*: nested more than 200 levels deep/);
    }
    expect(readdirSync(dir).sort()).toEqual(["a.json", "manifest.json"]);
  });
});

describe("closed or full standard output", () => {
  it("`schedule preview … | head -1` stops quietly with exit 0", async () => {
    const r = await run(["schedule", "preview", "* * * * *", "--timezone", "UTC", "--count", "1000"], { closeStdoutAfterFirstLine: true });
    expect(r.stdout.split("\n")[0]).toBe("# * * * * * in UTC, dagster semantics");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("`artifacts schema > /dev/full` is one line and exit 1", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await run(["artifacts", "schema"], { stdout: full });
      oneLineError(r, 1, /^floe: FLOE_OUTPUT_FAILED at \(stdout\): cannot write standard output: ENOSPC \(hint: .*full/);
    } finally {
      closeSync(full);
    }
  });
});

describe("strict YAML and real dates", () => {
  it("`jobs: !weird []` is refused with one line, without the library's warning text", async () => {
    const dir = tempDir("yaml");
    writeFileSync(join(dir, "manifest.json"), MANIFEST("{}"));
    writeFileSync(join(dir, "jobs.yml"), "jobs: !weird []\n");
    const r = await run([
      "artifacts",
      "from-dbt",
      join(dir, "manifest.json"),
      "--product",
      "shop",
      "--orchestration",
      join(dir, "jobs.yml"),
    ]);
    oneLineError(r, 2, /^floe: FLOE_ARTIFACTS_INVALID at --orchestration: not valid YAML: unknown tag at line 1, column 7/);
    expect(r.stderr).not.toContain("YAMLWarning");
    expect(r.stdout).toBe("");
  });

  it("`--compiled-at 2026-02-30T00:00:00Z` is refused; 2024-02-29 is accepted", async () => {
    const dir = tempDir("date");
    writeFileSync(join(dir, "manifest.json"), MANIFEST("{}"));
    const bad = await run([
      "artifacts",
      "from-dbt",
      join(dir, "manifest.json"),
      "--product",
      "shop",
      "--compiled-at",
      "2026-02-30T00:00:00Z",
    ]);
    oneLineError(bad, 2, /^floe: FLOE_USAGE at --compiled-at: --compiled-at "2026-02-30T00:00:00Z" is not an ISO-8601 instant/);
    const good = await run([
      "artifacts",
      "from-dbt",
      join(dir, "manifest.json"),
      "--product",
      "shop",
      "--compiled-at",
      "2024-02-29T00:00:00Z",
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).metadata.compiled_at).toBe("2024-02-29T00:00:00Z");
  });
});

describe("input lengths are capped before expensive work and in messages", () => {
  it("a 1 MB time zone (flag or artifacts) is refused at once and echoed short", async () => {
    const dir = tempDir("long");
    const zone = `Europe/${"L".repeat(1024 * 1024)}`;
    const artifacts = baseArtifacts([{ name: "a", compute: "duckdb", tags: [], depends_on: [] }], {
      orchestration: { jobs: [], schedules: [{ name: "m", job: "p", cron: "0 6 * * *", timezone: zone }] },
    });
    writeFileSync(join(dir, "a.json"), JSON.stringify(artifacts));
    const flag = await run(["schedule", "preview", "0 6 * * *", "--timezone", zone.slice(0, 100_000)]);
    oneLineError(flag, 2, /^floe: FLOE_USAGE at --timezone: "Europe\/L+"…\(100000 characters\) is longer than 4096 characters/);
    const file = await run(["artifacts", "validate", join(dir, "a.json")]);
    oneLineError(
      file,
      2,
      /^floe: FLOE_TIMEZONE_INVALID at orchestration\.schedules\[0\]\.timezone: .*is longer than any IANA time zone name/,
    );
    for (const r of [flag, file]) expect(r.stderr.length).toBeLessThan(600);
    console.log(
      `long inputs: --timezone of 100,000 characters answered in ${flag.ms} ms; a 1 MB zone in the artifacts in ${file.ms} ms (process start included)`,
    );
  });
});

describe("--out targets that are not regular files", () => {
  it("from-dbt refuses a FIFO, a device, a directory and `/`; generate refuses `/` — nothing is created", async () => {
    const dir = tempDir("out");
    writeFileSync(join(dir, "manifest.json"), MANIFEST("{}"));
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    mkdirSync(join(dir, "folder"));
    const rootBefore = readdirSync("/").sort();
    const base = ["artifacts", "from-dbt", join(dir, "manifest.json"), "--product", "shop", "--out"];
    oneLineError(await run([...base, fifo]), 2, /^floe: FLOE_USAGE at --out: .*pipe is a FIFO, not a regular file/);
    oneLineError(await run([...base, join(dir, "folder")]), 2, /^floe: FLOE_USAGE at --out: .*folder is a directory, not a regular file/);
    oneLineError(await run([...base, "/"]), 2, /^floe: FLOE_USAGE at --out: \/ is a file-system root, not a regular file/);
    // A character device like /dev/null (1,3), made in the temp dir so a regression replaces only this copy.
    const device = join(dir, "null");
    execFileSync("mknod", [device, "c", "1", "3"]);
    oneLineError(await run([...base, device]), 2, /^floe: FLOE_USAGE at --out: .*null is a device, not a regular file/);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
    writeFileSync(join(dir, "a.json"), JSON.stringify(baseArtifacts([{ name: "a", compute: "duckdb", tags: [], depends_on: [] }])));
    oneLineError(
      await run(["generate", join(dir, "a.json"), "--orchestrator", "dagster", "--out", "/"]),
      2,
      /^floe: FLOE_USAGE at --out: \/ is a file-system root, not a directory/,
    );
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["a.json", "folder", "manifest.json", "null", "pipe"]);
    expect(readdirSync(join(dir, "folder"))).toEqual([]);
    expect(readdirSync("/").sort()).toEqual(rootBefore);
  });
});

describe("lineage spool faults", () => {
  it("a spool directory that is a file: one line saying the event was not kept, exit 1", async () => {
    const dir = tempDir("spool-file");
    const spool = join(dir, "spool");
    writeFileSync(spool, "not a directory");
    for (const spoolDir of [spool, join(spool, "below")]) {
      const r = await run(
        [
          "lineage",
          "emit",
          "--type",
          "START",
          "--job",
          "j",
          "--url",
          "http://127.0.0.1:9/",
          "--timeout-ms",
          "300",
          "--retry-budget-ms",
          "1",
        ],
        {
          env: { FLOE_LINEAGE_SPOOL_DIR: spoolDir },
        },
      );
      oneLineError(
        r,
        1,
        /^floe: FLOE_LINEAGE_FAILED at FLOE_LINEAGE_SPOOL_DIR: cannot use the lineage spool .*: it \(or a folder above it\) is a file, not a directory; the lineage event was not kept/,
      );
      expect(r.stderr).not.toContain("FLOE_INTERNAL");
    }
  });

  it("a FIFO and a directory with spool-like names are skipped with a warning; the real events are delivered", async () => {
    const received: string[] = [];
    const server = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push(body);
        res.writeHead(201).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const spool = tempDir("spool-special");
      // One real spooled event, written by floe itself against a backend that is down.
      const spooled = await run(
        [
          "lineage",
          "emit",
          "--type",
          "START",
          "--job",
          "kept",
          "--url",
          "http://127.0.0.1:9/",
          "--timeout-ms",
          "300",
          "--retry-budget-ms",
          "1",
        ],
        {
          env: { FLOE_LINEAGE_SPOOL_DIR: spool },
        },
      );
      expect(spooled.code, spooled.stderr).toBe(0);
      execFileSync("mkfifo", [join(spool, "spool-host~1~1~aaaaaaaa.jsonl")]);
      mkdirSync(join(spool, "spool-host~2~2~bbbbbbbb.jsonl"));
      for (let flush = 0; flush < 2; flush++) {
        const r = await run(["lineage", "flush", "--url", url, "--timeout-ms", "2000"], { env: { FLOE_LINEAGE_SPOOL_DIR: spool } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe(flush === 0 ? "delivered 1, kept 0\n" : "delivered 0, kept 0\n");
        const warnings = r.stderr.split("\n").filter((l) => l !== "");
        expect(warnings.sort()).toEqual([
          'floe: warning: left "spool-host~1~1~aaaaaaaa.jsonl" in the spool alone: not a regular file',
          'floe: warning: left "spool-host~2~2~bbbbbbbb.jsonl" in the spool alone: not a regular file',
        ]);
      }
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!).job.name).toBe("kept");
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("validate-connection", () => {
  const sockets: Socket[] = [];
  let silent: NetServer;
  let airflow: HttpServer;
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
    airflow?.closeAllConnections();
    await new Promise((r) => airflow?.close(r));
  });

  it("an https server that accepts and never answers: one deadline over connect, TLS and request, named in the error", async () => {
    silent = createNetServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    for (const orchestrator of ["dagster", "airflow"]) {
      const r = await run(["validate-connection", "--orchestrator", orchestrator, "--url", `https://127.0.0.1:${port}/`]);
      expect(r.code, r.stderr).toBe(1);
      const deadline = Number(/no complete answer within (\d+) ms/.exec(r.stdout)?.[1]);
      // The CLI gives the check what is left of 9.5 s after its own start, never the plugin's whole 9 s plus that.
      expect(deadline, r.stdout).toBeGreaterThanOrEqual(1000);
      expect(deadline).toBeLessThan(9500);
      expect(r.stdout).toMatch(/^failed: https:\/\/127\.0\.0\.1:\d+\S* did not answer in time/);
      console.log(
        `validate-connection ${orchestrator} against a silent https server: exit ${r.code} after ${r.ms} ms (check deadline ${deadline} ms)`,
      );
    }
  });

  it("an Airflow health report with a non-string status names it unreadable, never [object Object]", async () => {
    airflow = createHttpServer((req, res) => {
      const path = (req.url ?? "").split("?")[0];
      res.writeHead(200, { "content-type": "application/json" });
      if (path === "/api/v2/version") return res.end(JSON.stringify({ version: "3.3.2" }));
      if (path === "/api/v2/monitor/health") {
        return res.end(
          JSON.stringify({
            metadatabase: { status: "healthy" },
            scheduler: { status: { state: "up" } },
            dag_processor: { status: "healthy" },
            triggerer: { status: "healthy" },
          }),
        );
      }
      res.end("{}");
    });
    await new Promise<void>((r) => airflow.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(airflow.address() as AddressInfo).port}`;
    for (const json of [false, true]) {
      const r = await run(["validate-connection", "--orchestrator", "airflow", "--url", url, ...(json ? ["--json"] : [])]);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain("object Object");
      expect(r.stdout).toContain("scheduler with an unreadable status (object)");
    }
  });
});
