/**
 * `floe lineage emit` / `floe lineage flush` as a user runs them (the built CLI in a child process)
 * against a loopback backend that is down, fails, throttles, stalls and resets, then recovers.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";
import { loadSpecValidator } from "floe-test-utils/openlineage-spec";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/floe.js");
const SECRET = "sk-floe-test-5ecret-value-7f3a";
const HARD_KILL_MS = 30_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

let spoolDir: string;
const outputs: string[] = [];

function floe(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), FLOE_LINEAGE_SPOOL_DIR: spoolDir, OPENLINEAGE_API_KEY: SECRET, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    // Not a timing assertion: a guard that turns a hang into a visible failure.
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, HARD_KILL_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

const fast = ["--timeout-ms", "400", "--retry-budget-ms", "2500"];

describe("floe lineage emit/flush against a faulty backend", () => {
  let backend: LineageBackend | undefined;
  let port: number;
  const expected = new Set<string>();

  beforeAll(async () => {
    expect(fs.existsSync(BIN), "build floe-core first (pnpm build)").toBe(true);
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-lineage-e2e-"));
    port = await freePort();
  });
  afterAll(async () => {
    await backend?.close();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  const url = () => `http://127.0.0.1:${port}/`;
  async function emit(type: string, extra: string[] = []): Promise<Run & { runId: string }> {
    const run = await floe([
      "lineage",
      "emit",
      "--type",
      type,
      "--job",
      "daily.orders",
      "--namespace",
      "shop",
      "--url",
      url(),
      ...fast,
      ...extra,
    ]);
    expect(run.killed).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    const runId = run.stdout.trim();
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expected.add(`${runId}/${type}`);
    return { ...run, runId };
  }

  it("spools when the backend is down at start", async () => {
    const run = await emit("START", [
      "--input",
      "postgres://db:5432::shop.public.raw_orders",
      "--output",
      "duckdb://warehouse.duckdb::warehouse.main.orders",
    ]);
    expect(run.stderr).toMatch(/spooled/);
    expect(fs.readdirSync(spoolDir).length).toBeGreaterThan(0);
  });

  it("delivers through 500s, and through 429 with Retry-After", async () => {
    backend = await startLineageBackend(port);
    backend.fault = (n) => (n <= 2 ? { kind: "status", status: 503 } : { kind: "ok" });
    const first = await emit("START");
    expect(first.stderr).toMatch(/delivered/);
    backend.fault = (n) => (n === 4 ? { kind: "status", status: 429, headers: { "retry-after": "1" } } : { kind: "ok" });
    const second = await emit("COMPLETE", ["--run-id", first.runId]);
    expect(second.stderr).toMatch(/delivered/);
  });

  it("spools, within its deadline, when the backend is slower than the deadline or resets mid-body", async () => {
    backend!.fault = () => ({ kind: "slow", ms: 10_000 });
    const slow = await emit("START");
    expect(slow.stderr).toMatch(/spooled/);
    backend!.fault = () => ({ kind: "reset" });
    const reset = await emit("FAIL", ["--run-id", slow.runId, "--error-message", "model orders failed"]);
    expect(reset.stderr).toMatch(/spooled/);
  });

  it("flush keeps everything (exit 1) while the backend still fails", async () => {
    backend!.fault = () => ({ kind: "status", status: 500 });
    const run = await floe(["lineage", "flush", "--url", url(), ...fast]);
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/delivered 0, kept 3/);
  });

  it("after recovery, flush delivers the rest and the backend holds every event", async () => {
    backend!.fault = () => ({ kind: "ok" });
    const run = await floe(["lineage", "flush", "--url", url(), ...fast]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/delivered 3, kept 0/);
    const held = new Set(backend!.keys());
    for (const key of expected) expect(held, key).toContain(key);
    expect(expected.size).toBe(5);
    const again = await floe(["lineage", "flush", "--url", url(), ...fast]);
    expect(again.stdout).toMatch(/delivered 0, kept 0/);
  });

  it("every event the CLI produced validates against the OpenLineage spec", () => {
    const spec = loadSpecValidator();
    expect(backend!.events.length).toBeGreaterThanOrEqual(5);
    for (const event of backend!.events) expect(spec.validateRunEvent(event)).toEqual([]);
    const fail = backend!.events.find((e) => (e as { eventType: string }).eventType === "FAIL") as {
      run: { facets: { errorMessage: { message: string } } };
    };
    expect(fail.run.facets.errorMessage.message).toBe("model orders failed");
  });

  it("sent the key as a bearer token, and it appears in no output, error or spool file", async () => {
    expect(backend!.requests.some((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
    // Error paths, with --debug stack traces on.
    outputs.push(
      ...Object.values(
        await floe(["lineage", "emit", "--type", "START", "--job", "j", "--debug"], { OPENLINEAGE_URL: "ftp://nowhere" }),
      ).map(String),
    );
    outputs.push(
      ...Object.values(
        await floe([
          "lineage",
          "emit",
          "--type",
          "START",
          "--job",
          "j",
          "--url",
          "http://127.0.0.1:1",
          "--retry-budget-ms",
          "500",
          "--debug",
        ]),
      ).map(String),
    );
    for (const text of outputs) expect(text).not.toContain(SECRET);
    for (const file of fs.readdirSync(spoolDir)) expect(fs.readFileSync(path.join(spoolDir, file), "utf8")).not.toContain(SECRET);
  });
});

describe("floe lineage emit: bad input exits 2 naming the field", () => {
  beforeAll(() => {
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-lineage-bad-"));
  });
  afterAll(() => fs.rmSync(spoolDir, { recursive: true, force: true }));

  const cases: Array<[string, string[], RegExp]> = [
    ["bad type", ["--type", "DONE", "--job", "j"], /at --type: unknown event type/],
    ["bad uuid", ["--type", "START", "--job", "j", "--run-id", "1234"], /at --run-id: .* not a UUID/],
    ["malformed dataset ref", ["--type", "START", "--job", "j", "--input", "no-separator"], /at --input\[0\]: malformed dataset reference/],
    ["bad URL", ["--type", "START", "--job", "j", "--url", "not a url"], /at --url: not a URL/],
    ["missing job", ["--type", "START"], /at --job: missing --job/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const run = await floe(["lineage", "emit", ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(pattern);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
      expect(fs.readdirSync(spoolDir)).toEqual([]);
    });
  }

  it("OPENLINEAGE_DISABLED=true sends nothing", async () => {
    const run = await floe(["lineage", "emit", "--type", "START", "--job", "j", "--url", "http://127.0.0.1:1"], {
      OPENLINEAGE_DISABLED: "true",
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/disabled/);
    expect(fs.readdirSync(spoolDir)).toEqual([]);
  });
});
