/**
 * `floe run` against a real dagster-webserver (one start for the whole file; default run launcher, so
 * runs execute in subprocesses without a daemon) serving the example's generated code location, with
 * one model's SQL broken: the product's job fails at that model (exit 1, a line per model), the
 * daily_marts job succeeds (exit 0), and bad input — an unknown job, a job that is not deployed, a run
 * id that does not exist, a server that is not there — is one line naming what is wrong.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArtifactsJson } from "floe-core";
import { runFloe, spawnFloe } from "floe-test-utils/floe-cli";
import {
  EXAMPLE,
  ROOT,
  copyExample,
  dbtParse,
  floeGenerate,
  makeWorkspace,
  startDagsterWebserver,
  type DagsterWebserver,
  type Workspace,
} from "./tools.js";

const artifacts = parseArtifactsJson(readFileSync(join(EXAMPLE, "compiled_artifacts.json"), "utf8")).artifacts;
const MODELS = (artifacts.transforms?.models ?? []).map((m) => m.name);
const PRODUCT = artifacts.metadata.product_name;
const BROKEN = "customer_revenue";

let ws: Workspace;
let server: DagsterWebserver;
let artifactsFile: string;

const floe = (args: string[]) => spawnFloe(args, { cwd: ROOT, env: { ...process.env, DAGSTER_URL: "" } });

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  ws = makeWorkspace("floe-dagster-run-");
  const project = join(ws.dir, "project");
  copyExample(project);
  writeFileSync(join(project, "models", "marts", `${BROKEN}.sql`), "select no_such_column from no_such_table\n");
  dbtParse(ws, project);
  artifactsFile = join(ws.dir, "artifacts.json");
  writeFileSync(artifactsFile, JSON.stringify(artifacts));
  const out = join(ws.dir, "out");
  floeGenerate(ws, artifactsFile, out, project);
  server = await startDagsterWebserver(ws, out);
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

describe("floe run against a live dagster-webserver", () => {
  it("a run whose model fails: a JSON line per model as it ends, the failed one named, exit 1", async () => {
    const result = await floe(["run", artifactsFile, "--orchestrator", "dagster", "--url", server.url, "--wait", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code, `${result.stdout}\n${server.log().slice(-3000)}`).toBe(1);
    const events = lines(result.stdout);
    expect(events[0]).toMatchObject({ event: "started", orchestrator: "dagster", job: PRODUCT });
    const perModel = events.filter((e) => e.event === "model");
    expect(perModel.map((e) => e.model).sort()).toEqual([...MODELS].sort());
    expect(perModel.find((e) => e.model === BROKEN)).toMatchObject({ state: "failed" });
    for (const e of perModel.filter((e) => e.model !== BROKEN)) expect(e.state, String(e.model)).toBe("success");
    expect(events.at(-1)).toMatchObject({ event: "finished", state: "failed", runId: events[0]!.runId });

    const status = await floe([
      "run",
      "status",
      String(events[0]!.runId),
      "--job",
      PRODUCT,
      "--orchestrator",
      "dagster",
      "--url",
      server.url,
      "--artifacts",
      artifactsFile,
    ]);
    expect(status.code).toBe(1);
    expect(lines(status.stdout)[0]).toMatchObject({ event: "status", state: "failed" });
  });

  it("a run that succeeds, on a terminal: a progress line per model, exit 0", async () => {
    const {
      code,
      stdout: out,
      stderr: err,
    } = await runFloe(["run", artifactsFile, "--orchestrator", "dagster", "--url", server.url, "--job", "daily_marts", "--wait"], {
      cwd: ROOT,
      env: process.env,
      stdoutIsTTY: true,
    });
    expect(err).toBe("");
    expect(code, out).toBe(0);
    const text = out.trim().split("\n");
    expect(text[0]).toMatch(/^started run [0-9a-f-]{36} of daily_marts on dagster at http:\/\/127\.0\.0\.1:\d+$/);
    expect(text.slice(1, -1).sort()).toEqual(["  ok   customers (success)", "  ok   orders (success)"]);
    expect(text.at(-1)).toMatch(/^run [0-9a-f-]{36} of daily_marts: success$/);
  });

  it("bad input is one line: unknown job (2), job not deployed (1), run id that does not exist (2), no server (1)", async () => {
    const unknown = await floe(["run", artifactsFile, "--orchestrator", "dagster", "--url", server.url, "--job", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^floe: FLOE_USAGE at --job: the artifacts define no job "nope" \(hint: use one of jaffle_shop, daily_marts\)\n$/,
    );

    const other = join(ws.dir, "other.json");
    writeFileSync(
      other,
      JSON.stringify({ ...artifacts, metadata: { ...artifacts.metadata, product_name: "not_deployed" }, orchestration: undefined }),
    );
    const missing = await floe(["run", other, "--orchestrator", "dagster", "--url", server.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^floe: FLOE_RUN_TARGET_NOT_DEPLOYED: job "not_deployed" is not deployed on the Dagster webserver at http:\/\/127\.0\.0\.1:\d+ \(hint: [^\n]+\)\n$/,
    );

    const noRun = await floe([
      "run",
      "status",
      "00000000-0000-0000-0000-000000000000",
      "--job",
      PRODUCT,
      "--orchestrator",
      "dagster",
      "--url",
      server.url,
    ]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(
      /^floe: FLOE_RUN_NOT_FOUND at <run-id>: the Dagster webserver has no run "0{8}-0{4}-0{4}-0{4}-0{12}" \(hint: [^\n]+\)\n$/,
    );

    const closed = await floe(["run", artifactsFile, "--orchestrator", "dagster", "--url", "http://user:pw-4411@127.0.0.1:1/"]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(
      /^floe: FLOE_CONNECTION_FAILED: connection to http:\/\/127\.0\.0\.1:1 was refused: nothing listens there \(hint: [^\n]+\)\n$/,
    );
    expect(closed.stderr).not.toContain("pw-4411");
  });
});
