/**
 * validateConnection against a real Airflow 3 API server (simple auth manager, JWT from /auth/token)
 * with a real scheduler and dag processor, started on 127.0.0.1 and stopped after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowPlugin } from "../../src/index.js";
import { startAirflowServers, type AirflowServers } from "./airflow-env.js";

let servers: AirflowServers;
let url: string;

beforeAll(async () => {
  servers = await startAirflowServers();
  url = servers.url;
});

afterAll(async () => {
  await servers?.stop();
});

describe("validateConnection against a live Airflow 3 API server", () => {
  it("succeeds with credentials: JWT from /auth/token, every component reported", async () => {
    const result = await new AirflowPlugin({ url, username: "admin", password: "floe-test-pw" }).validateConnection();
    expect(result.errors).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.message).toMatch(
      /^Airflow 3\.\d+\.\d+ at 127\.0\.0\.1:\d+: metadatabase healthy, scheduler healthy, dag processor healthy, triggerer /,
    );
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
