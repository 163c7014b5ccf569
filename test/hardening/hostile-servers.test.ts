// Hostile servers on 127.0.0.1 for both plugins' validateConnection and the lineage HTTP transport:
// accepts and never answers, drips one byte a second, sends 100 MB, invalid JSON, a redirect loop, TLS
// spoken to a plain port, and plain HTTP spoken to a TLS port. Each call returns within its deadline
// with a specific message, and the heap grows by less than 50 MB while they run.
import { execFileSync } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTransport } from "floe-core/lineage";
import { AirflowPlugin } from "floe-orchestrator-airflow";
import { DagsterPlugin } from "floe-orchestrator-dagster";
import { tempDir } from "./support.js";

type Kind = "hang" | "drip" | "huge" | "badjson" | "redirect" | "tls-to-plain" | "plain-to-tls";
const servers: Server[] = [];
const sockets = new Set<Socket>();
const urls = new Map<Kind, string>();
let tlsSkip: string | undefined;

function track<T extends Server>(s: T): T {
  s.on("connection", (c: Socket) => {
    sockets.add(c);
    c.on("close", () => sockets.delete(c));
    c.on("error", () => {});
  });
  servers.push(s);
  return s;
}
async function listen(s: Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  urls.set("hang", `http://127.0.0.1:${await listen(track(createNetServer(() => {})))}/`);
  urls.set(
    "drip",
    `http://127.0.0.1:${await listen(
      track(
        createNetServer((c) => {
          const text = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n${"{".repeat(1000)}`;
          let i = 0;
          const t = setInterval(() => (c.destroyed || i >= text.length ? clearInterval(t) : c.write(text[i++] as string)), 1000);
          c.on("close", () => clearInterval(t));
        }),
      ),
    )}/`,
  );
  urls.set(
    "huge",
    `http://127.0.0.1:${await listen(
      track(
        createHttpServer((req, res) => {
          req.resume();
          const total = 100 * 1024 * 1024;
          const chunk = Buffer.alloc(64 * 1024, 0x7b);
          res.writeHead(200, { "content-type": "application/json", "content-length": String(total) });
          let sent = 0;
          const pump = (): void => {
            while (sent < total && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once("drain", pump);
            }
            res.end();
          };
          pump();
        }),
      ),
    )}/`,
  );
  urls.set(
    "badjson",
    `http://127.0.0.1:${await listen(
      track(createHttpServer((req, res) => (req.resume(), res.writeHead(200, { "content-type": "application/json" }).end("{not json")))),
    )}/`,
  );
  urls.set(
    "redirect",
    `http://127.0.0.1:${await listen(track(createHttpServer((req, res) => (req.resume(), res.writeHead(302, { location: req.url ?? "/" }).end()))))}/`,
  );
  const plain = await listen(
    track(createNetServer((c) => c.once("data", () => c.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")))),
  );
  urls.set("tls-to-plain", `https://127.0.0.1:${plain}/`);
  try {
    const dir = tempDir("tls");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const tls = track(
      createTlsServer({ key: readFileSync(join(dir, "k.pem")), cert: readFileSync(join(dir, "c.pem")) }, (c) =>
        c.end("HTTP/1.1 200 OK\r\n\r\n{}"),
      ) as unknown as Server,
    );
    urls.set("plain-to-tls", `http://127.0.0.1:${await listen(tls)}/`);
  } catch (error) {
    tlsSkip = `openssl could not make a self-signed certificate (${(error as Error).message}); the plain-to-TLS case is not run`;
    console.log(tlsSkip);
  }
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await f();
  return { value, ms: Date.now() - start };
}

describe("hostile servers", () => {
  it("validateConnection (both plugins) and the lineage transport return within their deadlines with a specific message and bounded memory", async () => {
    let peak = 0;
    const base = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed - base)), 25);
    const kinds = [...urls.keys()];
    const calls: Array<Promise<{ who: string; kind: Kind; ok: boolean; message: string; ms: number; limit: number }>> = [];
    for (const kind of kinds) {
      const url = urls.get(kind) as string;
      calls.push(
        timed(() => new DagsterPlugin({ url }).validateConnection()).then(({ value, ms }) => ({
          who: "dagster",
          kind,
          ok: value.success,
          message: value.message,
          ms,
          limit: 10_000,
        })),
        timed(() => new AirflowPlugin({ url, username: "u", password: "p" }).validateConnection()).then(({ value, ms }) => ({
          who: "airflow",
          kind,
          ok: value.success,
          message: value.message,
          ms,
          limit: 10_000,
        })),
        timed(async () => {
          const t = new HttpTransport({ url, timeoutMs: 2_000, retryBudgetMs: 3_000, maxAttempts: 2, baseBackoffMs: 50 });
          try {
            return await t.send(JSON.stringify({ eventType: "START" }));
          } finally {
            await t.close();
          }
        }).then(({ value, ms }) => ({
          who: "lineage",
          kind,
          ok: value.ok,
          message: value.ok ? `status ${value.status}` : value.reason,
          ms,
          limit: 6_000,
        })),
      );
    }
    const results = await Promise.all(calls);
    clearInterval(sampler);
    for (const r of results) console.log(`hostile-servers ${r.who} ${r.kind}: ${r.ms} ms, ok=${r.ok}: ${r.message}`);
    console.log(`hostile-servers: peak heap growth ${(peak / 1024 / 1024).toFixed(1)} MB`);
    for (const r of results) {
      // A lineage backend that answers 200 has accepted the event: its body (100 MB, not JSON) is not
      // read. Every other case is a failure with a reason.
      const accepted = r.who === "lineage" && (r.kind === "huge" || r.kind === "badjson");
      expect(r.ok, `${r.who} ${r.kind}: ${r.message}`).toBe(accepted);
      expect(r.ms, `${r.who} ${r.kind}`).toBeLessThanOrEqual(r.limit + 1_500);
      if (!r.ok) expect(r.message.length, `${r.who} ${r.kind}`).toBeGreaterThan(5);
    }
    // Specific messages: no two kinds of fault read the same for one client (a server that never
    // answers and one that drips are both "no complete answer within the deadline").
    for (const who of ["dagster", "airflow", "lineage"]) {
      const mine = results.filter((r) => r.who === who && !r.ok && r.kind !== "drip");
      const distinct = new Set(mine.map((r) => r.message.replace(/127\.0\.0\.1:\d+/g, "HOST")));
      expect(distinct.size, `${who}: ${mine.map((r) => `${r.kind}: ${r.message}`).join(" | ")}`).toBe(mine.length);
    }
    expect(peak).toBeLessThan(50 * 1024 * 1024);
  });
});
