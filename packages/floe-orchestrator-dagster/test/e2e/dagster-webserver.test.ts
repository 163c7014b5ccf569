// validateConnection against a real dagster-webserver on 127.0.0.1 (a free port), stopped after.
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { writeOutputDirectory } from "floe-core";
import { DagsterPlugin } from "../../src/dagster-plugin.js";
import { makeWorkspace, spawn, type Workspace } from "./tools.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("validateConnection against dagster-webserver", () => {
  let ws: Workspace;
  let child: ReturnType<typeof spawn> | undefined;
  let url: string;
  let log = "";

  beforeAll(async () => {
    ws = makeWorkspace("floe-dagster-web-");
    const artifacts = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "floe-0.10.0-artifacts.json"), "utf8"));
    const out = join(ws.dir, "location");
    await writeOutputDirectory(out, new DagsterPlugin({ dbtProjectDir: ws.dir }).createDefinitions(artifacts).render());
    writeFileSync(join(ws.env.DAGSTER_HOME as string, "dagster.yaml"), "telemetry:\n  enabled: false\n");
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(join(ws.venv, "bin", "dagster-webserver"), ["-h", "127.0.0.1", "-p", String(port), "-f", join(out, "definitions.py")], {
      cwd: ws.dir,
      env: ws.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const plugin = new DagsterPlugin({ url });
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if ((await plugin.validateConnection()).success) return;
      if (child.exitCode !== null) throw new Error(`dagster-webserver exited:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`dagster-webserver did not come up:\n${log.slice(-3000)}`);
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
  });

  it("succeeds and names the Dagster version", async () => {
    const result = await new DagsterPlugin({ url }).validateConnection();
    expect(result).toMatchObject({ success: true, errors: [] });
    expect(result.message).toMatch(/^connected to Dagster 1\.13\.\d+ at http:\/\/127\.0\.0\.1:\d+$/);
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
