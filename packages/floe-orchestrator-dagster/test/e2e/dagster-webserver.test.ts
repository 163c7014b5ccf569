// validateConnection against a real dagster-webserver on 127.0.0.1 (a free port), stopped after.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { writeOutputDirectory } from "floe-core";
import { DagsterPlugin } from "../../src/dagster-plugin.js";
import { makeWorkspace, startDagsterWebserver, type DagsterWebserver, type Workspace } from "./tools.js";

describe("validateConnection against dagster-webserver", () => {
  let ws: Workspace;
  let server: DagsterWebserver;
  let url: string;

  beforeAll(async () => {
    ws = makeWorkspace("floe-dagster-web-");
    const artifacts = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "floe-0.10.0-artifacts.json"), "utf8"));
    const out = join(ws.dir, "location");
    await writeOutputDirectory(out, new DagsterPlugin({ dbtProjectDir: ws.dir }).createDefinitions(artifacts).render());
    server = await startDagsterWebserver(ws, out);
    url = server.url;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("succeeds and names the Dagster version", async () => {
    const result = await new DagsterPlugin({ url }).validateConnection();
    expect(result).toMatchObject({ success: true, errors: [] });
    expect(result.message).toMatch(/^connected to Dagster 1\.13\.\d+ at http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("floe validate-connection exits 0 against it and 1 against a closed port", () => {
    const repo = join(import.meta.dirname, "..", "..", "..", "..");
    const cli = join(repo, "packages", "floe-core", "bin", "floe.js");
    const ok = spawnSync(process.execPath, [cli, "validate-connection", "--orchestrator", "dagster", "--url", url, "--json"], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ success: true });
    const bad = spawnSync(process.execPath, [cli, "validate-connection", "--orchestrator", "dagster", "--url", "http://127.0.0.1:1"], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^failed: .*refused/);
  });

  it("takes the URL from DAGSTER_URL when the option is absent", async () => {
    const saved = process.env.DAGSTER_URL;
    process.env.DAGSTER_URL = url;
    try {
      expect((await new DagsterPlugin().validateConnection()).success).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.DAGSTER_URL;
      else process.env.DAGSTER_URL = saved;
    }
  });

  it("reports a wrong path prefix on the real server", async () => {
    const result = await new DagsterPlugin({ url: `${url}/dagster` }).validateConnection();
    expect(result.success).toBe(false);
    // The webserver serves its UI on unknown paths and refuses the POST there (405).
    expect(result.message).toMatch(/HTTP 40[45]/);
    expect(result.errors.join("\n")).toMatch(/path prefix/);
  });
});
