/**
 * Turns a failed probe into a sentence and a next step, for any server floe checks (Airflow,
 * Dagster, a lineage backend). Orchestrator-specific answers (wrong product, old API) stay in the plugin.
 */
import type { ProbeFailure } from "./http-probe.js";

export interface ProbeFailureDescription {
  message: string;
  hint: string;
}

/** `service` names what was expected at `url`, e.g. "the Airflow API server". */
export function describeProbeFailure(failure: ProbeFailure, service: string, url: string): ProbeFailureDescription {
  const host = safeHost(url);
  switch (failure.kind) {
    case "invalid-url":
      return { message: `the URL is not usable (${failure.detail})`, hint: "give an http:// or https:// URL" };
    case "dns":
      return { message: `cannot resolve the host ${host} (${failure.detail})`, hint: "check the host name in the URL, or the DNS of this machine" };
    case "refused":
      return { message: `nothing is listening at ${host}: connection refused`, hint: `start ${service}, or point the URL at the right host and port` };
    case "timeout":
      return { message: `${service} at ${host} did not answer in time (${failure.detail})`, hint: "check that the server is up and not overloaded, and that no firewall drops the traffic" };
    case "reset":
      return { message: `the connection to ${host} was closed before an answer (${failure.detail})`, hint: "check the URL's scheme and port, and any proxy in between" };
    case "tls":
      return { message: `TLS with ${host} failed (${failure.detail})`, hint: "check the certificate, or use http:// if the server does not speak TLS" };
    case "protocol":
      return { message: `${host} did not answer in HTTP (${failure.detail})`, hint: `check that the port is ${service}'s HTTP port` };
    case "too-large":
      return { message: `${host} sent an answer too large for a status check (${failure.detail})`, hint: `check that the URL points at ${service}` };
    default:
      return { message: `the request to ${host} failed (${failure.detail})`, hint: "check the URL and the network" };
  }
}

/** Host and port only: a URL may carry credentials, which must not reach messages. */
function safeHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return "the given URL";
  }
}
