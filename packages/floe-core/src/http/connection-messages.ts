/**
 * What a failed connection check tells the user, by failure class, shared by the orchestrator
 * plugins: one message saying what happened and one hint saying what to do next.
 */
import type { ProbeFailure } from "./http-probe.js";

export interface ConnectionTarget {
  /** Human name of the server, e.g. "Dagster webserver". */
  service: string;
  /** The URL checked (no credentials: callers strip them). */
  url: string;
  /** The setting that chose the URL, e.g. "--url, DAGSTER_URL or the plugin's url option". */
  urlSetting: string;
}

export interface ConnectionProblem {
  /** Stable class: refused, dns, timeout, not-the-server, unauthorized, forbidden, not-found, server-error… */
  kind: string;
  message: string;
  hint: string;
}

export function describeProbeFailure(failure: ProbeFailure, target: ConnectionTarget): ConnectionProblem {
  const { service, url, urlSetting } = target;
  switch (failure.kind) {
    case "refused":
      return {
        kind: "refused",
        message: `connection to ${url} was refused: nothing listens there`,
        hint: `start the ${service} or fix the port in ${urlSetting}`,
      };
    case "dns":
      return {
        kind: "dns",
        message: `the host of ${url} does not resolve (${failure.detail})`,
        hint: `check the host name in ${urlSetting}`,
      };
    case "timeout":
      return {
        kind: "timeout",
        message: `${url} did not answer in time (${failure.detail})`,
        hint: `check that the ${service} is up and reachable (firewall, proxy, port-forward)`,
      };
    case "reset":
      return {
        kind: "reset",
        message: `${url} closed the connection (${failure.detail})`,
        hint: `check that ${urlSetting} points at the ${service}, not at a proxy or another service`,
      };
    case "tls":
      return {
        kind: "tls",
        message: `TLS with ${url} failed (${failure.detail})`,
        hint: "use http:// for a plain server, or fix the server's certificate",
      };
    case "invalid-url":
      return {
        kind: "invalid-url",
        message: `${JSON.stringify(url)} is not a usable URL (${failure.detail})`,
        hint: `set ${urlSetting} to a URL like http://localhost:3000`,
      };
    case "too-large":
      return {
        kind: "not-the-server",
        message: `${url} sent an oversized answer (${failure.detail})`,
        hint: `check that ${urlSetting} points at the ${service}`,
      };
    case "protocol":
      return {
        kind: "not-the-server",
        message: `${url} did not answer with HTTP (${failure.detail})`,
        hint: `check that ${urlSetting} points at the ${service}'s HTTP port`,
      };
    default:
      return { kind: "other", message: `request to ${url} failed (${failure.detail})`, hint: `check that the ${service} is reachable` };
  }
}

/** A non-2xx status, by class. */
export function describeHttpStatus(status: number, target: ConnectionTarget): ConnectionProblem {
  const { service, url, urlSetting } = target;
  if (status === 401) {
    return {
      kind: "unauthorized",
      message: `${url} asks for credentials (HTTP 401)`,
      hint: `configure the credentials the ${service} (or the proxy in front of it) expects`,
    };
  }
  if (status === 403) {
    return {
      kind: "forbidden",
      message: `${url} refused access (HTTP 403)`,
      hint: "the credentials lack permission; ask for access or use another account",
    };
  }
  if (status === 404) {
    return {
      kind: "not-found",
      message: `${url} does not exist (HTTP 404)`,
      hint: `check the path prefix in ${urlSetting} (e.g. a --path-prefix the ${service} was started with)`,
    };
  }
  if (status === 405) {
    // What a Dagster webserver answers a POST to a path it only serves its UI on.
    return {
      kind: "wrong-endpoint",
      message: `${url} does not take this request (HTTP 405): it is not the ${service}'s API endpoint`,
      hint: `check the path prefix in ${urlSetting}`,
    };
  }
  if (status >= 500) {
    return {
      kind: "server-error",
      message: `the ${service} at ${url} failed (HTTP ${status})`,
      hint: `look at the ${service}'s logs; it is reachable but broken`,
    };
  }
  return {
    kind: "unexpected-status",
    message: `${url} answered HTTP ${status}`,
    hint: `check that ${urlSetting} points at the ${service}`,
  };
}
