/**
 * Delivers OpenLineage events over HTTP with undici: keep-alive, bounded concurrency, a deadline per
 * request, and retries with exponential backoff and full jitter on network errors, 408, 429 and 5xx
 * (honouring Retry-After, capped). It never rejects and never puts the API key in a result.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Agent } from "undici";
import { FloeError } from "../errors.js";
import { lineageBaseUrl } from "./lineage-endpoint.js";

const gzip = promisify(gzipCallback);

export const DEFAULT_LINEAGE_ENDPOINT = "api/v1/lineage";

export interface HttpTransportOptions {
  /** Backend base URL (`http://host:5000` or `http://host:5000/prefix/`). */
  url: string;
  /** Path joined to `url` (default `api/v1/lineage`); an absolute `http(s)://` URL replaces it. */
  endpoint?: string;
  apiKey?: string;
  /** Send `Content-Encoding: gzip` bodies. */
  gzip?: boolean;
  /** Deadline of one request, connect to last body byte (default 5,000 ms). */
  timeoutMs?: number;
  /** Total time an event may spend being retried before it counts as undeliverable (default 15,000 ms). */
  retryBudgetMs?: number;
  /** Attempts per event, the first included (default 6). */
  maxAttempts?: number;
  /** First backoff step (default 200 ms); doubles each attempt up to maxBackoffMs (default 5,000 ms). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Largest Retry-After honoured (default 30,000 ms; still bounded by the retry budget). */
  maxRetryAfterMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
}

export type SendResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; attempts: number; retryable: boolean; reason: string };

/**
 * Joins the base URL and endpoint path with exactly one `/`, keeping the base's own path and query-free.
 * A `url` that already ends in `/api/v1/lineage` (the full endpoint, as floe's Python compiler writes it)
 * counts as its base URL, so it is not doubled.
 */
export function lineageEndpointUrl(url: string, endpoint: string = DEFAULT_LINEAGE_ENDPOINT): URL {
  if (/^https?:\/\//i.test(endpoint)) return parseHttpUrl(endpoint, "endpoint");
  const base = parseHttpUrl(lineageBaseUrl(url), "url");
  const basePath = base.pathname.replace(/\/+$/, "");
  const joined = new URL(base.href);
  joined.pathname = `${basePath}/${endpoint.replace(/^\/+/, "")}`;
  joined.search = base.search;
  joined.hash = "";
  return joined;
}

export function parseHttpUrl(value: string, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new FloeError("FLOE_CONFIG_INVALID", "not a URL", {
      path: field,
      hint: "use an http:// or https:// URL, e.g. http://127.0.0.1:5000",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FloeError("FLOE_CONFIG_INVALID", `unsupported scheme ${parsed.protocol}`, {
      path: field,
      hint: "use an http:// or https:// URL",
    });
  }
  if (parsed.username || parsed.password) {
    throw new FloeError("FLOE_CONFIG_INVALID", "credentials in the URL are not allowed", {
      path: field,
      hint: "put the key in OPENLINEAGE_API_KEY",
    });
  }
  return parsed;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full-jitter exponential backoff for attempt `n` (1-based count of failures so far). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function errorCode(error: unknown): string {
  const err = error as { code?: string; cause?: { code?: string }; name?: string };
  return err.code ?? err.cause?.code ?? err.name ?? "request failed";
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

export class HttpTransport {
  readonly endpoint: URL;
  /** Created on the first send: undici loads then, not when floe-core is imported (~0.1 s CPU per command). */
  private agent: Agent | undefined;
  private readonly semaphore: Semaphore;
  private readonly options: Required<Omit<HttpTransportOptions, "apiKey" | "endpoint">>;
  private readonly headers: Record<string, string>;

  constructor(options: HttpTransportOptions) {
    this.endpoint = lineageEndpointUrl(options.url, options.endpoint);
    this.options = {
      url: options.url,
      gzip: options.gzip ?? false,
      timeoutMs: options.timeoutMs ?? 5_000,
      retryBudgetMs: options.retryBudgetMs ?? 15_000,
      maxAttempts: options.maxAttempts ?? 6,
      baseBackoffMs: options.baseBackoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      concurrency: Math.max(1, options.concurrency ?? 8),
    };
    this.semaphore = new Semaphore(this.options.concurrency);
    this.headers = { "content-type": "application/json", accept: "application/json" };
    if (this.options.gzip) this.headers["content-encoding"] = "gzip";
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
  }

  /** Sends one serialized event, retrying within the budget. Resolves with the outcome; never rejects. */
  async send(body: string): Promise<SendResult> {
    const started = Date.now();
    const payload = this.options.gzip ? await gzip(Buffer.from(body)) : body;
    let attempts = 0;
    let reason = "not sent";
    for (;;) {
      attempts++;
      const outcome = await this.attempt(payload);
      if (outcome.ok) return { ok: true, status: outcome.status, attempts };
      reason = outcome.reason;
      if (!outcome.retryable) return { ok: false, attempts, retryable: false, reason };
      if (attempts >= this.options.maxAttempts) break;
      let delay = backoffDelay(attempts, this.options.baseBackoffMs, this.options.maxBackoffMs);
      if (outcome.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(outcome.retryAfterMs, this.options.maxRetryAfterMs));
      const remaining = this.options.retryBudgetMs - (Date.now() - started);
      // The next attempt must fit, wait and request, in what is left of the budget.
      if (delay + this.options.timeoutMs > remaining) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    return { ok: false, attempts, retryable: true, reason: `${reason}; gave up after ${attempts} attempt(s)` };
  }

  private async attempt(
    payload: string | Buffer,
  ): Promise<{ ok: true; status: number } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number }> {
    await this.semaphore.acquire();
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const { Agent, request } = await import("undici");
      const t = this.options.timeoutMs;
      this.agent ??= new Agent({
        connections: this.options.concurrency,
        keepAliveTimeout: 10_000,
        connectTimeout: t,
        headersTimeout: t,
        bodyTimeout: t,
      });
      const response = await request(this.endpoint, {
        method: "POST",
        headers: this.headers,
        body: payload,
        dispatcher: this.agent,
        signal,
      });
      // Drain (bounded) so the connection goes back to the pool.
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) {
          response.body.destroy();
          break;
        }
      }
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { ok: true, status };
      const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
      return {
        ok: false,
        retryable: isRetryableStatus(status),
        reason: `HTTP ${status}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      if (signal.aborted) return { ok: false, retryable: true, reason: `no answer within ${this.options.timeoutMs} ms` };
      return { ok: false, retryable: true, reason: errorCode(error) };
    } finally {
      this.semaphore.release();
    }
  }

  async close(): Promise<void> {
    await this.agent?.destroy().catch(() => undefined);
  }
}
