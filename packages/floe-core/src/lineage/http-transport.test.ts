import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay, HttpTransport, lineageEndpointUrl, parseRetryAfter } from "./http-transport.js";
import { startLineageBackend, type LineageBackend } from "floe-test-utils/lineage-backend";

describe("lineageEndpointUrl", () => {
  it("joins /api/v1/lineage whether or not the URL ends in /", () => {
    expect(lineageEndpointUrl("http://h:5000").href).toBe("http://h:5000/api/v1/lineage");
    expect(lineageEndpointUrl("http://h:5000/").href).toBe("http://h:5000/api/v1/lineage");
    expect(lineageEndpointUrl("http://h:5000/marquez/").href).toBe("http://h:5000/marquez/api/v1/lineage");
    expect(lineageEndpointUrl("http://h:5000/marquez", "/events/").href).toBe("http://h:5000/marquez/events/");
    expect(lineageEndpointUrl("http://h:5000", "https://other/x").href).toBe("https://other/x");
  });

  it("refuses non-HTTP URLs and credentials in the URL", () => {
    expect(() => lineageEndpointUrl("ftp://h")).toThrow(/unsupported scheme/);
    expect(() => lineageEndpointUrl("not a url")).toThrow(/not a URL/);
    expect(() => lineageEndpointUrl("http://u:secret@h")).toThrow(/credentials/);
  });
});

describe("retry timing", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
  });
});

describe("HttpTransport against a loopback backend", () => {
  let backend: LineageBackend;
  let transport: HttpTransport | undefined;
  afterEach(async () => {
    await transport?.close();
    await backend?.close();
  });
  const body = (id: string) => JSON.stringify({ run: { runId: id }, eventType: "START" });
  const fast = { timeoutMs: 300, baseBackoffMs: 10, maxBackoffMs: 50, retryBudgetMs: 5_000 };

  it("posts JSON with a bearer token, gzip when asked", async () => {
    backend = await startLineageBackend();
    transport = new HttpTransport({ url: `${backend.url}/`, apiKey: "k-123", gzip: true });
    const result = await transport.send(body("a"));
    expect(result).toMatchObject({ ok: true, status: 201, attempts: 1 });
    expect(backend.requests[0]).toMatchObject({ url: "/api/v1/lineage" });
    expect(backend.requests[0]!.headers).toMatchObject({
      authorization: "Bearer k-123",
      "content-encoding": "gzip",
      "content-type": "application/json",
    });
    expect(backend.keys()).toEqual(["a/START"]);
  });

  it("retries 500s until the backend accepts", async () => {
    backend = await startLineageBackend();
    backend.fault = (n) => (n <= 2 ? { kind: "status", status: 500 } : { kind: "ok" });
    transport = new HttpTransport({ url: backend.url, ...fast });
    expect(await transport.send(body("b"))).toMatchObject({ ok: true, attempts: 3 });
  });

  it("waits as long as Retry-After asks on 429", async () => {
    backend = await startLineageBackend();
    backend.fault = (n) => (n === 1 ? { kind: "status", status: 429, headers: { "retry-after": "1" } } : { kind: "ok" });
    transport = new HttpTransport({ url: backend.url, ...fast });
    const started = Date.now();
    expect(await transport.send(body("c"))).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("gives up on a slow backend within its retry budget", async () => {
    backend = await startLineageBackend();
    backend.fault = () => ({ kind: "slow", ms: 5_000 });
    transport = new HttpTransport({ url: backend.url, ...fast, retryBudgetMs: 1_000 });
    const started = Date.now();
    const result = await transport.send(body("d"));
    expect(result).toMatchObject({ ok: false, retryable: true });
    // A hang guard, not a benchmark: the budget is 1 s; anything near 6 s means it did not stop.
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it("retries a connection reset mid-body", async () => {
    backend = await startLineageBackend();
    backend.fault = (n) => (n === 1 ? { kind: "reset" } : { kind: "ok" });
    transport = new HttpTransport({ url: backend.url, ...fast });
    expect(await transport.send(body("e"))).toMatchObject({ ok: true, attempts: 2 });
  });

  it("does not retry a 400 and never puts the key in its reason", async () => {
    backend = await startLineageBackend();
    backend.fault = () => ({ kind: "status", status: 400 });
    transport = new HttpTransport({ url: backend.url, apiKey: "sk-very-secret", ...fast });
    const result = await transport.send(body("f"));
    expect(result).toMatchObject({ ok: false, retryable: false, attempts: 1 });
    expect(JSON.stringify(result)).not.toContain("sk-very-secret");
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    backend = await startLineageBackend();
    let inFlight = 0;
    let peak = 0;
    backend.fault = () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 30);
      return { kind: "slow", ms: 30 };
    };
    transport = new HttpTransport({ url: backend.url, concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => transport!.send(body(`g${i}`))));
    expect(peak).toBeLessThanOrEqual(3);
    expect(backend.requests).toHaveLength(12);
  });
});
