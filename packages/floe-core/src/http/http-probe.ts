/**
 * One HTTP request with a hard deadline over the whole exchange (connect, headers and body), a cap
 * on the body size, and failures sorted into kinds a caller can explain. It never rejects.
 */

export type ProbeFailureKind = "invalid-url" | "dns" | "refused" | "timeout" | "reset" | "tls" | "protocol" | "too-large" | "other";

export interface ProbeSuccess {
  ok: true;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ProbeFailure {
  ok: false;
  kind: ProbeFailureKind;
  /** Low-level detail (error code), safe to show: it never contains request headers. */
  detail: string;
}

export type ProbeResult = ProbeSuccess | ProbeFailure;

export interface ProbeOptions {
  method?: "GET" | "POST" | "PATCH";
  headers?: Record<string, string>;
  body?: string;
  /** Whole-exchange deadline in milliseconds (default 10,000). */
  deadlineMs?: number;
  /** Largest body read before giving up (default 1 MiB). */
  maxBytes?: number;
}

/** `base` with `path` appended to its path; a query or fragment stays after the joined path. */
export function joinUrl(base: string, path: string): string {
  const tail = path.replace(/^\/+/, "");
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `${base.replace(/\/+$/, "")}/${tail}`;
  }
  // A query in `path` (e.g. `dags?limit=1`) joins the base's own query.
  const [pathPart = "", ...queryParts] = tail.split("?");
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${pathPart}`;
  const query = queryParts.join("?");
  if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url.toString();
}

export async function probeHttp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, kind: "invalid-url", detail: "not a URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { ok: false, kind: "invalid-url", detail: `unsupported scheme ${parsed.protocol}` };
  }
  const controller = new AbortController();
  const timedOut: ProbeFailure = { ok: false, kind: "timeout", detail: `no complete answer within ${deadlineMs} ms` };
  let timer: NodeJS.Timeout | undefined;
  // One deadline over everything, undici's import and the TLS handshake included: undici does not
  // abort a handshake in progress at once (a silent https server held a check ~0.5 s past its
  // signal), so the deadline races the exchange instead of only signalling it.
  const deadline = new Promise<ProbeFailure>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error("deadline"));
      resolve(timedOut);
    }, deadlineMs);
  });
  let agent: { destroy(): Promise<void> } | undefined;
  // Sockets this probe opened: destroyed at the end, since a handshake in progress outlives agent.destroy()
  // and would keep the process alive for up to a second after the answer.
  const sockets = new Set<{ destroy(): unknown }>();
  const exchange = async (): Promise<ProbeResult> => {
    // Loaded here, inside the deadline, not at import: every floe command would otherwise pay ~0.1 s CPU for undici.
    const { Agent, buildConnector, request } = await import("undici");
    if (controller.signal.aborted) return timedOut;
    const connector = buildConnector({ timeout: deadlineMs });
    type ConnectArgs = Parameters<typeof connector>;
    // undici's connector returns the socket it opens (its type says void).
    const openSocket = connector as unknown as (...args: ConnectArgs) => { destroy(): unknown } | undefined;
    const connect = (...args: ConnectArgs): void => {
      const socket = openSocket(...args);
      if (socket) sockets.add(socket);
    };
    const dispatcher = new Agent({ connect, headersTimeout: deadlineMs, bodyTimeout: deadlineMs, connections: 1 });
    agent = dispatcher;
    try {
      const response = await request(parsed, {
        method: options.method ?? "GET",
        headers: options.headers,
        body: options.body,
        signal: controller.signal,
        dispatcher,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          return { ok: false, kind: "too-large", detail: `response body larger than ${maxBytes} bytes` };
        }
        chunks.push(chunk as Buffer);
      }
      return { ok: true, status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") };
    } catch (error) {
      if (controller.signal.aborted) return timedOut;
      return classify(error);
    }
  };
  try {
    return await Promise.race([exchange(), deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort(new Error("done"));
    agent?.destroy().catch(() => undefined);
    for (const socket of sockets) socket.destroy();
  }
}

function classify(error: unknown): ProbeFailure {
  const err = error as { code?: string; cause?: { code?: string }; message?: string };
  const code = err.code ?? err.cause?.code ?? "";
  const message = err.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return { ok: false, kind: "dns", detail: code };
  if (code === "ECONNREFUSED") return { ok: false, kind: "refused", detail: code };
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "ETIMEDOUT") {
    return { ok: false, kind: "timeout", detail: code };
  }
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return { ok: false, kind: "reset", detail: code };
  if (
    code.startsWith("ERR_SSL") ||
    code.startsWith("ERR_TLS") ||
    /SSL|TLS|certificate/i.test(message) ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN"
  ) {
    return { ok: false, kind: "tls", detail: code || "TLS handshake failed" };
  }
  if (code.startsWith("HPE_") || code === "UND_ERR_RESPONSE" || /parse|invalid/i.test(message))
    return { ok: false, kind: "protocol", detail: code || "not an HTTP answer" };
  return { ok: false, kind: "other", detail: code || "request failed" };
}
