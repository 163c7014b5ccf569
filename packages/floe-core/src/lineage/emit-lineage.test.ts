import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseArtifactsJson } from "../artifacts/parse-artifacts.js";
import { createLineageClient, emitLineage, resolveLineageSettings } from "./emit-lineage.js";
import { startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";
import { loadSpecValidator } from "floe-test-utils/openlineage-spec";

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/artifacts/v0.10.0.json");
const { artifacts } = parseArtifactsJson(fs.readFileSync(fixture, "utf8"));

describe("resolveLineageSettings", () => {
  it("takes overrides, then OPENLINEAGE_* variables, then the artifacts", () => {
    const fromArtifacts = resolveLineageSettings({ env: {}, artifacts });
    expect(fromArtifacts).toMatchObject({ url: "http://127.0.0.1:5000", namespace: "shop-analytics", transport: "http", disabled: false });
    const fromEnv = resolveLineageSettings({
      env: { OPENLINEAGE_URL: "http://env:1", OPENLINEAGE_API_KEY: "k", OPENLINEAGE_NAMESPACE: "ns" },
      artifacts,
    });
    expect(fromEnv).toMatchObject({ url: "http://env:1", apiKey: "k", namespace: "ns" });
    const fromFlags = resolveLineageSettings({ overrides: { url: "http://flag:2" }, env: { OPENLINEAGE_URL: "http://env:1" }, artifacts });
    expect(fromFlags.url).toBe("http://flag:2");
  });

  it("OPENLINEAGE_DISABLED and observability.lineage=false turn it off", () => {
    expect(resolveLineageSettings({ env: { OPENLINEAGE_DISABLED: "true" }, artifacts }).disabled).toBe(true);
    expect(resolveLineageSettings({ env: { OPENLINEAGE_DISABLED: "false" }, artifacts }).disabled).toBe(false);
    const off = { ...artifacts, observability: { ...artifacts.observability, lineage: false } };
    expect(resolveLineageSettings({ env: {}, artifacts: off }).disabled).toBe(true);
  });

  it("uses the artifacts' transport, console without a URL, and a per-user spool", () => {
    const consoleArtifacts = { ...artifacts, observability: { lineage: true, lineage_transport: "console" as const } };
    expect(resolveLineageSettings({ env: {}, artifacts: consoleArtifacts }).transport).toBe("console");
    expect(resolveLineageSettings({ env: {} })).toMatchObject({ transport: "console", namespace: "default" });
    expect(resolveLineageSettings({ env: { FLOE_LINEAGE_SPOOL_DIR: "/tmp/s" } }).spoolDir).toBe("/tmp/s");
  });
});

describe("emitLineage", () => {
  let backend: LineageBackend;
  let spoolDir: string;
  beforeEach(async () => {
    backend = await startLineageBackend();
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-emit-"));
  });
  afterEach(async () => {
    await backend.close();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  it("delivers a spec-valid event with parent, job type and nominal time facets", async () => {
    const settings = { url: backend.url, namespace: "shop", spoolDir };
    const parent = await emitLineage(settings, "START", "daily", [], []);
    expect(parent.status).toBe("delivered");
    const child = await emitLineage(
      settings,
      "COMPLETE",
      "daily.orders",
      [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.raw_orders" }],
      [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.orders" }],
      {
        parent: { namespace: "shop", name: "daily", runId: parent.runId },
        jobType: { integration: "DBT", jobType: "MODEL" },
        nominalTime: { start: "2026-01-01T00:00:00Z" },
      },
    );
    expect(child.status).toBe("delivered");
    const spec = loadSpecValidator();
    for (const event of backend.events) expect(spec.validateRunEvent(event)).toEqual([]);
    expect(backend.events[1]).toMatchObject({
      job: { namespace: "shop", name: "daily.orders", facets: { jobType: { integration: "DBT", jobType: "MODEL" } } },
      run: { facets: { parent: { run: { runId: parent.runId } } } },
    });
  });

  it("spools what it cannot deliver and the client's flush redelivers it", async () => {
    backend.fault = () => ({ kind: "status", status: 503 });
    const client = createLineageClient({ url: backend.url, spoolDir, timeoutMs: 200, retryBudgetMs: 600 });
    const results = await Promise.all([1, 2, 3].map(() => client.emit("START", "j", [], [])));
    expect(results.map((r) => r.status)).toEqual(["spooled", "spooled", "spooled"]);
    backend.fault = () => ({ kind: "ok" });
    expect(await client.flush()).toMatchObject({ delivered: 3, kept: 0 });
    await client.close();
    expect(new Set(backend.keys())).toEqual(new Set(results.map((r) => `${r.runId}/START`)));
  });

  it("prints on the console transport, sends nothing when disabled, and refuses a bad run id", async () => {
    const lines: string[] = [];
    const client = createLineageClient({ transport: "console", spoolDir }, { console: (l) => lines.push(l) });
    expect((await client.emit("START", "j", [], [])).status).toBe("printed");
    expect(JSON.parse(lines[0]!)).toMatchObject({ eventType: "START", job: { name: "j" } });
    expect((await emitLineage({ url: backend.url, disabled: true, spoolDir }, "START", "j", [], [])).status).toBe("disabled");
    expect(backend.requests).toHaveLength(0);
    await expect(emitLineage({ url: backend.url, spoolDir }, "START", "j", [], [], { runId: "x" })).rejects.toMatchObject({
      code: "FLOE_CONFIG_INVALID",
      path: "runId",
    });
  });
});
