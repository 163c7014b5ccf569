// Secrets: plant known values (OpenLineage API key, Airflow user/password in options and environment,
// a dbt profile password and token in the artifacts, user:password@ in URLs) and search every output:
// generated files of both orchestrators, values.yaml, stdout/stderr of every command (with --json and on
// errors), lineage spool files, and the plugins' validateConnection results.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowPlugin } from "floe-orchestrator-airflow";
import { DagsterPlugin } from "floe-orchestrator-dagster";
import { ROOT, baseArtifacts, floeAsync, tempDir } from "./support.js";

const S = {
  apiKey: "sk-OLAPIKEY-7f3a9c1e5b",
  airflowPassword: "AFPASS-92ks81mz",
  airflowUser: "AFUSER-l0q7x",
  profilePassword: "DBTPROFILEPW-4h2j",
  profileToken: "DBTTOKEN-99zz81",
  urlPassword: "URLPW-m3n4b5",
  endpointPassword: "ENDPOINTPW-q8w7",
};
const SECRETS = Object.values(S);

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

let server: Server;
let port: number;
const received: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      // A lineage backend that accepts, and an Airflow/Dagster server that refuses the credentials.
      if (req.url?.includes("lineage")) res.writeHead(201).end("{}");
      else res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ detail: "bad credentials" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("secrets never reach outputs", () => {
  it("generated files, values.yaml, CLI output (incl. --json and errors) and spool files hold none of the planted secrets", async () => {
    const dir = tempDir("secrets");
    const spool = join(dir, "spool");
    const artifacts = baseArtifacts(
      [
        { name: "a", compute: "duckdb", tags: ["daily"], depends_on: [] },
        { name: "b", compute: "duckdb", tags: ["daily"], depends_on: ["a"], meta: { owner: "team" } },
      ],
      {
        dbt_profiles: {
          shop: {
            target: "prod",
            outputs: { prod: { type: "postgres", user: "svc", password: S.profilePassword, token: S.profileToken, host: "db" } },
          },
        },
        orchestration: {
          jobs: [{ name: "daily", select: { tags: ["daily"] } }],
          schedules: [{ name: "m", job: "daily", cron: "0 6 * * *", timezone: "UTC" }],
        },
      },
    );
    (artifacts.observability as Record<string, unknown>).lineage_endpoint = `http://floe:${S.endpointPassword}@127.0.0.1:${port}/lineage`;
    const file = join(dir, "a.json");
    writeFileSync(file, JSON.stringify(artifacts));
    const bad = JSON.parse(JSON.stringify(artifacts));
    bad.metadata.product_name = 42;
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    const env = {
      OPENLINEAGE_API_KEY: S.apiKey,
      AIRFLOW_PASSWORD: S.airflowPassword,
      AIRFLOW_USERNAME: S.airflowUser,
      FLOE_LINEAGE_SPOOL_DIR: spool,
      OPENLINEAGE_URL: "",
    };
    const down = `http://floe:${S.urlPassword}@127.0.0.1:9/lineage`;
    const live = `http://floe:${S.urlPassword}@127.0.0.1:${port}/lineage`;
    const commands: string[][] = [
      [
        "generate",
        file,
        "--orchestrator",
        "dagster",
        "--out",
        join(dir, "out-dagster"),
        "--dbt-project",
        join(ROOT, "examples", "jaffle_shop"),
      ],
      [
        "generate",
        file,
        "--orchestrator",
        "airflow",
        "--out",
        join(dir, "out-airflow"),
        "--dbt-project",
        join(ROOT, "examples", "jaffle_shop"),
      ],
      ["generate", join(dir, "bad.json"), "--orchestrator", "airflow", "--out", join(dir, "out-bad")],
      ["artifacts", "validate", file, "--json"],
      ["artifacts", "validate", file],
      ["artifacts", "validate", join(dir, "bad.json"), "--json"],
      ["helm-values", "--orchestrator", "dagster", "--artifacts", file],
      ["helm-values", "--orchestrator", "airflow", "--artifacts", file],
      ["plugins", "--json"],
      ["schedule", "preview", "0 6 * * *", "--timezone", "UTC", "--json"],
      ["lineage", "emit", "--type", "START", "--job", "j", "--artifacts", file, "--timeout-ms", "2000", "--retry-budget-ms", "1"],
      ["lineage", "emit", "--type", "START", "--job", "j", "--url", live, "--timeout-ms", "2000"],
      ["lineage", "emit", "--type", "START", "--job", "j", "--url", `http://127.0.0.1:${port}/lineage`, "--timeout-ms", "2000"],
      [
        "lineage",
        "emit",
        "--type",
        "FAIL",
        "--job",
        "j",
        "--url",
        down,
        "--error-message",
        "boom",
        "--timeout-ms",
        "500",
        "--retry-budget-ms",
        "1",
      ],
      ["lineage", "flush", "--url", down, "--timeout-ms", "500", "--retry-budget-ms", "1"],
      // A backend that is down (no credentials in the URL: floe refuses those): the event is spooled.
      [
        "lineage",
        "emit",
        "--type",
        "FAIL",
        "--job",
        "j",
        "--url",
        "http://127.0.0.1:9/lineage",
        "--error-message",
        `failed near ${S.profilePassword.slice(0, 3)}`,
        "--timeout-ms",
        "500",
        "--retry-budget-ms",
        "1",
      ],
      ["lineage", "flush", "--url", "http://127.0.0.1:9/lineage", "--timeout-ms", "500", "--retry-budget-ms", "1"],
      ["lineage", "flush", "--url", `http://floe:${S.urlPassword}@[::1`],
      ["lineage", "emit", "--type", "START", "--job", "j", "--url", `ftp://floe:${S.urlPassword}@127.0.0.1/`],
      [
        "validate-connection",
        "--orchestrator",
        "airflow",
        "--url",
        `http://${S.airflowUser}:${S.airflowPassword}@127.0.0.1:${port}/`,
        "--json",
      ],
      ["--debug", "generate", join(dir, "bad.json"), "--orchestrator", "dagster", "--out", join(dir, "out-bad")],
    ];
    const leaks: string[] = [];
    const check = (where: string, text: string): void => {
      for (const s of SECRETS) if (text.includes(s)) leaks.push(`${where} contains ${s}`);
    };
    for (const args of commands) {
      const r = await floeAsync(args, { env });
      check(`floe ${args.join(" ")} (exit ${r.code}) stdout`, r.stdout);
      check(`floe ${args.join(" ")} (exit ${r.code}) stderr`, r.stderr);
    }
    const files = allFiles(dir).filter((f) => !/\/(a|bad)\.json$/.test(f));
    expect(files.some((f) => f.endsWith("values.yaml"))).toBe(true);
    expect(files.some((f) => f.startsWith(spool))).toBe(true);
    for (const f of files) check(f, readFileSync(f, "utf8"));
    // The key did reach the backend, so the test planted it where it is used.
    expect(received.some((r) => r.includes(S.apiKey))).toBe(true);
    expect(leaks, leaks.join("\n")).toEqual([]);
  });

  it("validateConnection results of both plugins hold no credentials (refused, unreachable)", async () => {
    const results = [
      await new AirflowPlugin({
        url: `http://127.0.0.1:${port}/`,
        username: S.airflowUser,
        password: S.airflowPassword,
      }).validateConnection(),
      await new AirflowPlugin({
        url: `http://${S.airflowUser}:${S.urlPassword}@127.0.0.1:9/`,
        password: S.airflowPassword,
      }).validateConnection(),
      await new DagsterPlugin({ url: `http://u:${S.urlPassword}@127.0.0.1:${port}/` }).validateConnection(),
      await new DagsterPlugin({ url: `http://u:${S.urlPassword}@127.0.0.1:9/` }).validateConnection(),
    ];
    for (const r of results) {
      const text = JSON.stringify(r);
      expect(r.success).toBe(false);
      for (const s of SECRETS) expect(text, text).not.toContain(s);
    }
  });

  it("every command × every secret carrier (userinfo, query, fragment, headers, keys named password/token/secret/key/authorization, JSON syntax errors) × stdout, stderr, every written file", async () => {
    const dir = tempDir("secrets-matrix");
    const C = {
      userinfo: "UIPW-5t6y7u",
      query: "QTOK-8i9o0p",
      fragment: "FRAG-1a2s3d",
      header: "HDRAUTH-4f5g6h",
      password: "CFGPW-7j8k9l",
      token: "GOVTOK-0z1x2c",
      secret: "CLSEC-3v4b5n",
      key: "APIKEY-6m7q8w",
      authorization: "AUTHZ-9e0r1t",
      syntax: "Hunter2xy-SYN",
      manifestSyntax: "MANSYN-2y3u4i",
    };
    const carriers = Object.values(C);
    const live = `127.0.0.1:${port}`;
    const url = (host: string, path = "/"): string => `http://floe:${C.userinfo}@${host}${path}?token=${C.query}#${C.fragment}`;
    const queryOnly = (host: string, path = "/"): string => `http://${host}${path}?token=${C.query}&x=1#${C.fragment}`;
    const artifacts = baseArtifacts([{ name: "a", compute: "duckdb", tags: ["daily"], depends_on: [] }], {
      plugins: {
        compute: { type: "duckdb", version: "1.0.0", config: { password: C.password, path: "w.duckdb" } },
        orchestrator: { type: "dagster", version: "1.0.0", config: { api_key: C.key } },
      },
      governance: { policy_api_token: C.token },
      quality_config: { client_secret: C.secret },
      data_contracts: [{ name: "c", authorization: `Basic ${C.authorization}` }],
    });
    const observability = artifacts.observability as Record<string, unknown>;
    observability.telemetry = { enabled: true, headers: { authorization: `Bearer ${C.header}` } };
    const withQuery = structuredClone(artifacts);
    (withQuery.observability as Record<string, unknown>).lineage_endpoint = queryOnly(live, "/lineage");
    observability.lineage_endpoint = url(live, "/lineage");
    const files = {
      loaded: join(dir, "loaded.json"),
      query: join(dir, "query.json"),
      syntax: join(dir, "syntax.json"),
      manifest: join(dir, "manifest.json"),
    };
    writeFileSync(files.loaded, JSON.stringify(artifacts, null, 2));
    writeFileSync(files.query, JSON.stringify(withQuery, null, 2));
    writeFileSync(files.syntax, `{\n  "version": "0.10.0",\n  "password": ${C.syntax},\n  "x": 1\n}\n`);
    writeFileSync(files.manifest, `{"metadata": {}, "nodes": {"x": {"password": ${C.manifestSyntax}}}}`);
    const out = (name: string): string => join(dir, "out", name);
    const spool = join(dir, "spool");
    const lineage = ["--timeout-ms", "500", "--retry-budget-ms", "1"];
    const matrix: Array<{ args: string[]; env?: NodeJS.ProcessEnv }> = [
      { args: ["artifacts", "validate", files.loaded] },
      { args: ["artifacts", "validate", files.loaded, "--json"] },
      { args: ["artifacts", "validate", files.syntax] },
      { args: ["artifacts", "validate", files.syntax, "--json"] },
      { args: ["artifacts", "from-dbt", files.manifest, "--product", "p", "--out", out("from-dbt.json")] },
      {
        args: [
          "generate",
          files.loaded,
          "--orchestrator",
          "dagster",
          "--out",
          out("dagster"),
          "--dbt-project",
          join(ROOT, "examples", "jaffle_shop"),
        ],
      },
      {
        args: [
          "generate",
          files.query,
          "--orchestrator",
          "dagster",
          "--out",
          out("dagster-q"),
          "--dbt-project",
          join(ROOT, "examples", "jaffle_shop"),
        ],
      },
      {
        args: [
          "generate",
          files.loaded,
          "--orchestrator",
          "airflow",
          "--out",
          out("airflow"),
          "--dbt-project",
          join(ROOT, "examples", "jaffle_shop"),
        ],
      },
      {
        args: [
          "generate",
          files.query,
          "--orchestrator",
          "airflow",
          "--out",
          out("airflow-q"),
          "--dbt-project",
          join(ROOT, "examples", "jaffle_shop"),
        ],
      },
      { args: ["generate", files.syntax, "--orchestrator", "dagster", "--out", out("bad")] },
      { args: ["helm-values", "--orchestrator", "dagster", "--artifacts", files.query] },
      { args: ["helm-values", "--orchestrator", "airflow", "--artifacts", files.loaded] },
      { args: ["helm-values", "--orchestrator", "airflow", "--artifacts", files.syntax] },
      ...["dagster", "airflow"].flatMap((o) => [
        { args: ["validate-connection", "--orchestrator", o, "--url", queryOnly(live)] },
        { args: ["validate-connection", "--orchestrator", o, "--url", queryOnly(live), "--json"] },
        { args: ["validate-connection", "--orchestrator", o, "--url", url(live)] },
        { args: ["validate-connection", "--orchestrator", o, "--url", url("127.0.0.1:9"), "--json"] },
        { args: ["validate-connection", "--orchestrator", o, "--url", url("127.0.0.1:99999")] },
        { args: ["validate-connection", "--orchestrator", o, "--url", `http://floe:${C.userinfo}/x@[::1?token=${C.query}`] },
        { args: ["validate-connection", "--orchestrator", o], env: { DAGSTER_URL: queryOnly(live), AIRFLOW_URL: queryOnly(live) } },
        { args: ["run", files.loaded, "--orchestrator", o, "--url", url(live), "--wait"] },
        { args: ["run", files.query, "--orchestrator", o, "--url", queryOnly(live), "--json"] },
        { args: ["run", files.loaded, "--orchestrator", o, "--url", url("127.0.0.1:9")] },
        { args: ["run", "status", "r1", "--job", "a", "--orchestrator", o, "--url", url(live)] },
        {
          args: ["run", files.loaded, "--orchestrator", o],
          env: { DAGSTER_URL: queryOnly(live), AIRFLOW_URL: queryOnly(live), AIRFLOW_API_TOKEN: C.token, DAGSTER_CLOUD_API_TOKEN: C.key },
        },
        {
          args: ["run", files.loaded, "--orchestrator", o],
          env: { AIRFLOW_URL: url(live), AIRFLOW_USERNAME: "floe", AIRFLOW_PASSWORD: C.password },
        },
      ]),
      { args: ["lineage", "emit", "--type", "START", "--job", "j", "--url", queryOnly(live, "/lineage"), ...lineage] },
      { args: ["lineage", "emit", "--type", "FAIL", "--job", "j", "--url", queryOnly("127.0.0.1:9"), ...lineage] },
      { args: ["lineage", "emit", "--type", "START", "--job", "j", "--url", url(live, "/lineage"), ...lineage] },
      { args: ["lineage", "emit", "--type", "START", "--job", "j", "--url", url("127.0.0.1:99999"), ...lineage] },
      { args: ["lineage", "emit", "--type", "START", "--job", "j", "--artifacts", files.query, ...lineage] },
      { args: ["lineage", "emit", "--type", "START", "--job", "j", "--artifacts", files.loaded, ...lineage] },
      { args: ["lineage", "emit", "--type", "START", "--job", "j", ...lineage], env: { OPENLINEAGE_URL: queryOnly("127.0.0.1:9") } },
      { args: ["lineage", "flush", "--url", queryOnly("127.0.0.1:9"), ...lineage] },
      { args: ["lineage", "flush", ...lineage], env: { OPENLINEAGE_URL: url("127.0.0.1:9") } },
      { args: ["schedule", "preview", "0 6 * * *", "--timezone", "UTC"], env: { OPENLINEAGE_URL: url(live) } },
      { args: ["plugins", "--json"], env: { DAGSTER_URL: url(live) } },
      { args: ["--debug", "artifacts", "validate", files.syntax] },
      { args: ["--debug", "validate-connection", "--orchestrator", "dagster", "--url", url("127.0.0.1:99999")] },
    ];
    const commandsRun = new Set(
      matrix.map((m) =>
        m.args
          .filter((a) => a !== "--debug")
          .slice(0, 2)
          .join(" ")
          .replace(/^(generate|helm-values|validate-connection|plugins) .*/, "$1"),
      ),
    );
    for (const c of [
      "artifacts validate",
      "artifacts from-dbt",
      "generate",
      "helm-values",
      "validate-connection",
      "run status",
      "lineage emit",
      "lineage flush",
      "schedule preview",
      "plugins",
    ]) {
      expect([...commandsRun]).toContain(c);
    }
    const leaks: string[] = [];
    const check = (where: string, text: string): void => {
      for (const secret of carriers) if (text.includes(secret)) leaks.push(`${where} contains ${secret}`);
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < matrix.length) {
        const { args, env } = matrix[next++]!;
        const r = await floeAsync(args, { env: { FLOE_LINEAGE_SPOOL_DIR: spool, OPENLINEAGE_URL: "", ...env } });
        check(`stdout of floe ${args.join(" ")} (exit ${r.code})`, r.stdout);
        check(`stderr of floe ${args.join(" ")} (exit ${r.code})`, r.stderr);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    const inputs = new Set(Object.values(files));
    const written = allFiles(dir).filter((f) => !inputs.has(f));
    // The matrix wrote what it should: generated code of both plugins, a from-dbt file (none: its manifest is broken) and a spool.
    expect(written.some((f) => f.endsWith("compiled_artifacts.json"))).toBe(true);
    expect(written.some((f) => f.endsWith("openlineage.env"))).toBe(true);
    expect(written.some((f) => f.startsWith(spool))).toBe(true);
    for (const f of written) check(f, readFileSync(f, "utf8"));
    // The query token did reach the live backend: the carrier was planted where it is used.
    expect(received.some((r) => r.includes(C.query))).toBe(true);
    // And the API path was joined before the query, not inside it.
    expect(received.some((r) => r.startsWith(`POST /graphql?token=${C.query}`))).toBe(true);
    expect(received.some((r) => r.startsWith(`GET /api/v2/version?token=${C.query}`))).toBe(true);
    expect(leaks, leaks.join("\n")).toEqual([]);
  });
});
