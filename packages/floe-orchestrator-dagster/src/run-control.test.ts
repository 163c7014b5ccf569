// Run control against a stand-in GraphQL server, for what a real Dagster OSS webserver never does
// (answer 401 to a Dagster+ token) and to pin how a failed dbt step's models are named (the real
// webserver's runs are in test/e2e/run-control.test.ts).
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagsterRunControl } from "./run-control.js";
import type { DagsterDefinitionsModel } from "./definitions-model.js";

const TOKEN = "dagster-cloud-tok-51fa";
let server: Server;
let url: string;
let events: unknown[] = [];

const asset = (model: string, deps: string[]) => ({ key: [model], deps: deps.map((d) => [d]), model });
const model = {
  location: "shop",
  product: "shop",
  jobs: [{ name: "shop", isDefault: true, selection: [["a"], ["b"], ["c"], ["d"]] }],
  assets: [asset("a", []), asset("b", ["a"]), asset("c", ["b"]), asset("d", ["a"])],
} as unknown as DagsterDefinitionsModel;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.headers["dagster-cloud-api-token"] !== TOKEN) {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ error: `bad token ${String(req.headers["dagster-cloud-api-token"])}` }));
        return;
      }
      const query = (JSON.parse(body) as { query: string }).query;
      const data = query.includes("runOrError")
        ? {
            runOrError: {
              __typename: "Run",
              runId: "r1",
              jobName: "shop",
              status: "FAILURE",
              eventConnection: { cursor: "c", hasMore: false, events },
            },
          }
        : {};
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const key = (k: string) => ({ assetKey: { path: [k] } });

describe("DagsterRunControl", () => {
  it("a rejected Dagster+ token: FLOE_CONNECTION_FAILED naming the 401, the token nowhere", async () => {
    const runs = new DagsterRunControl({ url, token: "wrong-token-77", modelOf: () => model });
    const error = (await runs.status({ runId: "r1", job: "shop" }).catch((e: unknown) => e)) as {
      code: string;
      message: string;
      hint: string;
    };
    expect(error.code).toBe("FLOE_CONNECTION_FAILED");
    expect(error.message).toMatch(/^reading run r1: http:\/\/127\.0\.0\.1:\d+ asks for credentials \(HTTP 401\)$/);
    expect(`${error.message} ${error.hint}`).not.toContain("wrong-token-77");
  });

  it("a failed run: the model whose upstream all materialized failed, the ones below it did not run", async () => {
    events = [
      ...["a", "b", "c", "d"].map((k) => ({ __typename: "AssetMaterializationPlannedEvent", ...key(k) })),
      { __typename: "MaterializationEvent", ...key("a") },
      { __typename: "MaterializationEvent", ...key("d") },
      { __typename: "AssetCheckEvaluationEvent", evaluation: { ...key("d"), success: false, severity: "WARN" } },
    ];
    const runs = new DagsterRunControl({ url, token: TOKEN, modelOf: () => model });
    const status = await runs.status({ runId: "r1", job: "shop", artifacts: {} as never });
    expect(status).toEqual({
      runId: "r1",
      job: "shop",
      state: "failed",
      models: [
        { model: "a", state: "success" },
        { model: "b", state: "failed" },
        { model: "c", state: "upstream_failed" },
        { model: "d", state: "success" },
      ],
    });
    // A failed blocking test of `a` means b did not run because of it.
    events.push({ __typename: "AssetCheckEvaluationEvent", evaluation: { ...key("a"), success: false, severity: "ERROR" } });
    expect((await runs.status({ runId: "r1", job: "shop", artifacts: {} as never })).models[1]).toEqual({
      model: "b",
      state: "upstream_failed",
    });
    // Without the artifacts no dependencies are known: what did not materialize counts as skipped.
    expect((await runs.status({ runId: "r1", job: "shop" })).models.map((m) => m.state)).toEqual([
      "success",
      "skipped",
      "skipped",
      "success",
    ]);
  });
});
