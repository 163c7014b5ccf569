/** A loopback OpenLineage backend for tests: records events by runId/eventType and injects faults on demand. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export type Fault =
  | { kind: "ok" }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "slow"; ms: number }
  | { kind: "reset" };

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  url: string;
  body: string;
}

export interface LineageBackend {
  url: string;
  port: number;
  events: unknown[];
  requests: RecordedRequest[];
  /** Decides each request's fate (default: accept). `n` counts requests from 1. */
  fault: (n: number, request: RecordedRequest) => Fault;
  /** `<runId>/<eventType>` of every accepted event, with repeats. */
  keys(): string[];
  close(): Promise<void>;
}

export async function startLineageBackend(port = 0): Promise<LineageBackend> {
  const sockets = new Set<import("node:net").Socket>();
  let count = 0;
  const backend: LineageBackend = {
    url: "",
    port: 0,
    events: [],
    requests: [],
    fault: () => ({ kind: "ok" }),
    keys() {
      return this.events.map((e) => {
        const ev = e as { run: { runId: string }; eventType: string };
        return `${ev.run.runId}/${ev.eventType}`;
      });
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let raw = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      const recorded: RecordedRequest = { headers: req.headers, url: req.url ?? "", body: raw.toString("utf8") };
      backend.requests.push(recorded);
      const fault = backend.fault(++count, recorded);
      if (fault.kind === "reset") {
        // Answer half a response, then cut the connection mid-body.
        res.socket?.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial":');
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      if (fault.kind === "slow") {
        const timer = setTimeout(() => {
          res.writeHead(201).end();
        }, fault.ms);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      if (fault.kind === "status") {
        res.writeHead(fault.status, fault.headers ?? {}).end("{}");
        return;
      }
      backend.events.push(JSON.parse(recorded.body));
      res.writeHead(201, { "content-type": "application/json" }).end("{}");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  backend.port = (server.address() as AddressInfo).port;
  backend.url = `http://127.0.0.1:${backend.port}`;
  return backend;
}

/** A free port on 127.0.0.1 (bound then released), for "backend down at start". */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
