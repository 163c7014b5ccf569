// Each failure class from a loopback server built for it; success against a real dagster-webserver
// is in test/e2e/dagster-webserver.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { checkDagsterConnection, resolveDagsterUrl } from "./check-connection.js";
import { DagsterPlugin } from "./dagster-plugin.js";

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
};

async function check(url: string) {
  const started = Date.now();
  const result = await new DagsterPlugin({ url }).validateConnection();
  return { ...result, elapsed: Date.now() - started };
}

describe("validateConnection failure classes", () => {
  const classes: Array<[string, () => Promise<string>, RegExp, RegExp]> = [
    [
      "refused",
      async () => {
        const url = await serve(() => undefined);
        const server = servers.pop()!;
        await new Promise((r) => server.close(r));
        return url;
      },
      /refused/,
      /start the Dagster webserver/,
    ],
    ["dns", async () => "http://floe-no-such-host.invalid:3000", /does not resolve/, /host name/],
    [
      "not Dagster (HTML)",
      () => serve((_q, r) => r.writeHead(200, { "content-type": "text/html" }).end("<html>hi</html>")),
      /not a Dagster webserver/,
      /point/,
    ],
    ["not Dagster (JSON without version)", () => serve(json(200, { data: { hello: "x" } })), /without a Dagster version/, /point/],
    ["401", () => serve(json(401, {})), /credentials \(HTTP 401\)/, /credentials/],
    ["403", () => serve(json(403, {})), /refused access \(HTTP 403\)/, /permission/],
    ["404", () => serve(json(404, {})), /does not exist \(HTTP 404\)/, /path prefix/],
    ["5xx", () => serve(json(502, {})), /failed \(HTTP 502\)/, /logs/],
    [
      "GraphQL errors",
      () => serve(json(200, { errors: [{ message: 'Cannot query field "version"' }] })),
      /returned an error: Cannot query field/,
      /schema/,
    ],
  ];
  for (const [name, start, message, hint] of classes) {
    it(`${name}: its own message and hint`, async () => {
      const result = await check(await start());
      expect(result.success).toBe(false);
      expect(result.message).toMatch(message);
      expect(result.errors.join("\n")).toMatch(hint);
      expect(result.elapsed).toBeLessThan(10_000);
    });
  }

  it("timeout: a server that never answers gets its own message within 10 s", async () => {
    const url = await serve(() => undefined);
    const result = await check(url);
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/did not answer in time/);
    expect(result.elapsed).toBeLessThan(10_000);
  });

  it("every class has a distinct message", async () => {
    const messages = new Set<string>();
    for (const [, start] of classes)
      messages.add((await checkDagsterConnection(await start())).message.replace(/127\.0\.0\.1:\d+/, "HOST"));
    expect(messages.size).toBe(classes.length);
  });
});

describe("resolveDagsterUrl", () => {
  it("prefers the option, then DAGSTER_URL, then localhost:3000", () => {
    expect(resolveDagsterUrl("http://a:1", { DAGSTER_URL: "http://b:2" })).toBe("http://a:1");
    expect(resolveDagsterUrl(undefined, { DAGSTER_URL: "http://b:2" })).toBe("http://b:2");
    expect(resolveDagsterUrl(undefined, {})).toBe("http://localhost:3000");
  });
});
