import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AirflowPlugin } from "./airflow-plugin.js";
import { DEFAULT_AIRFLOW_URL, resolveConnectionSettings } from "./validate-connection.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};
const healthy = { status: "healthy" };
const allHealthy = { metadatabase: healthy, scheduler: healthy, triggerer: healthy, dag_processor: healthy };

/** A loopback server that answers like Airflow 3 except where `overrides` says otherwise. */
function fakeAirflow(overrides: Partial<Record<string, Handler>> = {}): Promise<string> {
  return serve((req, res, body) => {
    const path = (req.url ?? "").split("?")[0]!;
    const own = overrides[`${req.method} ${path}`];
    if (own) return own(req, res, body);
    if (path === "/api/v2/version") return json(res, 200, { version: "3.3.2", git_version: null });
    if (path === "/api/v2/monitor/health") return json(res, 200, allHealthy);
    if (path === "/auth/token" && req.method === "POST") return json(res, 201, { access_token: "jwt-abc" });
    if (path === "/api/v2/dags") {
      return req.headers.authorization === "Bearer jwt-abc"
        ? json(res, 200, { dags: [], total_entries: 0 })
        : json(res, 401, { detail: "Not authenticated" });
    }
    json(res, 404, { detail: "Not Found" });
  });
}

async function check(options: Record<string, unknown>) {
  const started = Date.now();
  const result = await new AirflowPlugin(options).validateConnection();
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(10_000); // the contract: every check resolves within 10 s
  return { result, elapsed };
}

describe("resolveConnectionSettings", () => {
  it("takes the option, then AIRFLOW_URL, then localhost:8080", () => {
    expect(resolveConnectionSettings({ url: "http://a:1" }, { AIRFLOW_URL: "http://b:2" }).url).toBe("http://a:1");
    expect(resolveConnectionSettings({}, { AIRFLOW_URL: "http://b:2" }).url).toBe("http://b:2");
    expect(resolveConnectionSettings({}, {}).url).toBe(DEFAULT_AIRFLOW_URL);
    expect(resolveConnectionSettings({}, { AIRFLOW_USERNAME: "u", AIRFLOW_PASSWORD: "p" })).toMatchObject({ username: "u", password: "p" });
  });
});

describe("validateConnection against loopback servers", () => {
  it("succeeds on a healthy Airflow 3 and uses the JWT from /auth/token", async () => {
    let bearer: string | undefined;
    const url = await fakeAirflow({
      "GET /api/v2/dags": (req, res) => {
        bearer = req.headers.authorization;
        json(res, 200, { dags: [] });
      },
    });
    const { result } = await check({ url, username: "admin", password: "s3cret-pw" });
    expect(result.success).toBe(true);
    expect(result.message).toMatch(/Airflow 3\.3\.2 .*metadatabase healthy, scheduler healthy, dag processor healthy, triggerer healthy/);
    expect(bearer).toBe("Bearer jwt-abc");
  });

  it("refused: nothing listening", async () => {
    const url = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((r) => server.close(r));
    const { result } = await check({ url });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/was refused: nothing listens there/);
    expect(result.errors[0]).toMatch(/hint: start the Airflow API server/);
    const withSecret = await check({ url: url.replace("http://", "http://admin:pw-in-url@") });
    expect(withSecret.result.success).toBe(false);
    expect(JSON.stringify(withSecret.result)).not.toContain("pw-in-url");
  });

  it("DNS: a host that does not resolve", async () => {
    const { result } = await check({ url: "http://floe-no-such-host.invalid:8080" });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/the host of http:\/\/floe-no-such-host\.invalid:8080 does not resolve/);
  });

  it("timeout: a server that accepts and never answers resolves within 10 s", async () => {
    const url = await serve(() => undefined);
    const { result, elapsed } = await check({ url });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/did not answer in time/);
    expect(elapsed).toBeLessThan(10_000);
  }, 15_000);

  it("not Airflow: a web server without the Airflow API", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>nginx</h1>");
    });
    const { result } = await check({ url });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/answers, but not as Airflow/);
  });

  it("not Airflow: 200 without a version", async () => {
    const url = await serve((_req, res) => json(res, 200, { hello: "world" }));
    const { result } = await check({ url });
    expect(result.message).toMatch(/not as Airflow \(HTTP 200/);
  });

  it("Airflow 2: /api/v2 missing, /api/v1 answers", async () => {
    const url = await serve((req, res) =>
      req.url === "/api/v1/version" ? json(res, 200, { version: "2.10.5", git_version: "abc" }) : json(res, 404, { detail: "Not Found" }),
    );
    const { result } = await check({ url });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/Airflow 2\.10\.5, which has only the \/api\/v1 API/);
    expect(result.errors[0]).toMatch(/upgrade to Airflow 3/);
  });

  it("401: wrong credentials, and the password never appears in the result", async () => {
    const url = await fakeAirflow({ "POST /auth/token": (_req, res) => json(res, 401, { detail: "Invalid credentials" }) });
    const { result } = await check({ url, username: "admin", password: "s3cret-pw" });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/rejected the credentials of user "admin" \(HTTP 401/);
    expect(JSON.stringify(result)).not.toContain("s3cret-pw");
  });

  it("403: a token that may not read DAGs", async () => {
    const url = await fakeAirflow({ "GET /api/v2/dags": (_req, res) => json(res, 403, { detail: "Forbidden" }) });
    const { result } = await check({ url, username: "viewer", password: "pw" });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/refused it for listing DAGs \(HTTP 403\)/);
  });

  it("unhealthy components: each reported with its own hint", async () => {
    const url = await fakeAirflow({
      "GET /api/v2/monitor/health": (_req, res) =>
        json(res, 200, {
          metadatabase: { status: "unhealthy" },
          scheduler: { status: "unhealthy", latest_scheduler_heartbeat: null },
          triggerer: { status: null, latest_triggerer_heartbeat: null },
          dag_processor: { status: "unhealthy", latest_dag_processor_heartbeat: null },
        }),
    });
    const { result } = await check({ url });
    expect(result.success).toBe(false);
    expect(result.errors).toHaveLength(3);
    expect(result.errors[0]).toMatch(/^metadatabase unhealthy \(hint: check the database connection/);
    expect(result.errors[1]).toMatch(/^scheduler unhealthy \(hint: start `airflow scheduler`/);
    expect(result.errors[2]).toMatch(/^dag processor unhealthy \(hint: start `airflow dag-processor`/);
    expect(result.warnings.some((w) => /^triggerer: none has ever run/.test(w))).toBe(true);
  });

  it("a health status that is not a string is named as unreadable, not printed as [object Object]", async () => {
    const url = await fakeAirflow({
      "GET /api/v2/monitor/health": (_req, res) =>
        json(res, 200, {
          metadatabase: healthy,
          scheduler: { status: { nested: "x" } },
          dag_processor: { status: ["a"] },
          triggerer: { status: 7 },
        }),
    });
    const { result } = await check({ url });
    const text = JSON.stringify(result);
    expect(text).not.toContain("[object Object]");
    expect(result.success).toBe(false);
    expect(result.message).toContain("scheduler with an unreadable status (object)");
    expect(result.errors[0]).toMatch(/^scheduler with an unreadable status \(object\) \(hint: start `airflow scheduler`/);
    expect(result.errors[1]).toMatch(/^dag processor with an unreadable status \(array\)/);
    expect(result.warnings.some((w) => w.startsWith("triggerer with an unreadable status (number)"))).toBe(true);
  });
});
