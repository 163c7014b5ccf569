/**
 * validateConnection against a real Airflow 3 API server (simple auth manager, JWT from /auth/token)
 * with a real scheduler and dag processor, started on 127.0.0.1 and stopped after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeHttp } from "floe-core";
import { AirflowPlugin } from "../../src/index.js";
import { createAirflowHome, type AirflowHome } from "./airflow-env.js";

let airflow: AirflowHome;
let url: string;
const processes: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(name: string, args: string[]): void {
  const log = openSync(join(airflow.home, `${name}.log`), "a");
  // Own process group, so stopping it also stops the workers it forks.
  const child = spawn(join(airflow.venv, "bin", "airflow"), args, { env: airflow.env, detached: true, stdio: ["ignore", log, log] });
  processes.push(child);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what} (logs in ${airflow.home})`);
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  airflow = await createAirflowHome({
    AIRFLOW__API__HOST: "127.0.0.1",
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__WORKERS: "1",
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${url}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: "admin:admin",
  });
  const passwordsFile = join(airflow.home, "simple_auth_manager_passwords.json");
  writeFileSync(passwordsFile, JSON.stringify({ admin: "floe-test-pw" }));
  airflow.env.AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE = passwordsFile;
  start("api-server", ["api-server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1"]);
  start("scheduler", ["scheduler"]);
  start("dag-processor", ["dag-processor"]);
  await waitFor("the API server", async () => {
    const r = await probeHttp(`${url}/api/v2/version`, { deadlineMs: 2000 });
    return r.ok && r.status === 200;
  }, 180_000);
  await waitFor("scheduler and dag processor heartbeats", async () => {
    const r = await probeHttp(`${url}/api/v2/monitor/health`, { deadlineMs: 2000 });
    if (!r.ok || r.status !== 200) return false;
    const h = JSON.parse(r.body) as Record<string, { status: string | null } | null>;
    return h.scheduler?.status === "healthy" && h.dag_processor?.status === "healthy";
  }, 180_000);
});

afterAll(async () => {
  for (const child of processes) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
  await Promise.all(
    processes.map((child) =>
      child.exitCode !== null
        ? undefined
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              try {
                process.kill(-child.pid!, "SIGKILL");
              } catch {
                // already gone
              }
              resolve();
            }, 15_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
    ),
  );
  airflow?.cleanup();
});

describe("validateConnection against a live Airflow 3 API server", () => {
  it("succeeds with credentials: JWT from /auth/token, every component reported", async () => {
    const result = await new AirflowPlugin({ url, username: "admin", password: "floe-test-pw" }).validateConnection();
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.message).toMatch(/^Airflow 3\.\d+\.\d+ at 127\.0\.0\.1:\d+: metadatabase healthy, scheduler healthy, dag processor healthy, triggerer /);
    // No triggerer runs in this test: reported as a warning, not a failure.
    expect(result.warnings.some((w) => w.startsWith("triggerer"))).toBe(true);
  });

  it("takes the URL from AIRFLOW_URL when the options give none", async () => {
    const saved = process.env.AIRFLOW_URL;
    process.env.AIRFLOW_URL = url;
    try {
      const result = await new AirflowPlugin().validateConnection();
      expect(result.success).toBe(true);
      expect(result.warnings[0]).toMatch(/no credentials given/);
    } finally {
      if (saved === undefined) delete process.env.AIRFLOW_URL;
      else process.env.AIRFLOW_URL = saved;
    }
  });

  it("reports a wrong password as rejected credentials (HTTP 401 from the real server)", async () => {
    const result = await new AirflowPlugin({ url, username: "admin", password: "wrong" }).validateConnection();
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/rejected the credentials of user "admin" \(HTTP 401/);
  });
});
