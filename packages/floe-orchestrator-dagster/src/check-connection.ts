/** validateConnection for a Dagster webserver: one GraphQL `{ version }` query, answered within 10 s. */
import {
  describeHttpStatus,
  describeProbeFailure,
  joinUrl,
  probeHttp,
  redactUrl,
  type ConnectionProblem,
  type ValidationResult,
} from "floe-core";

export const DEFAULT_DAGSTER_URL = "http://localhost:3000";
const URL_SETTING = "the plugin's url option or DAGSTER_URL";
/** Below the 10 s contract, leaving room for the caller. */
export const DEADLINE_MS = 9_000;

export function resolveDagsterUrl(optionUrl: string | undefined, env: NodeJS.ProcessEnv): string {
  return optionUrl || env.DAGSTER_URL || DEFAULT_DAGSTER_URL;
}

export async function checkDagsterConnection(baseUrl: string, deadlineMs = DEADLINE_MS): Promise<ValidationResult> {
  const shown = redactUrl(baseUrl);
  const endpoint = joinUrl(baseUrl, "graphql");
  const target = { service: "Dagster webserver", url: redactUrl(endpoint), urlSetting: URL_SETTING };
  const result = await probeHttp(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: "{ version }" }),
    deadlineMs,
    maxBytes: 256 * 1024,
  });
  if (!result.ok) return failure(describeProbeFailure(result, target));
  if (result.status < 200 || result.status >= 300) return failure(describeHttpStatus(result.status, target));
  let body: unknown;
  try {
    body = JSON.parse(result.body);
  } catch {
    return failure({
      kind: "not-the-server",
      message: `${target.url} answered, but not with JSON: it is not a Dagster webserver`,
      hint: `point ${URL_SETTING} at the Dagster webserver (the UI's address, e.g. ${DEFAULT_DAGSTER_URL})`,
    });
  }
  const answer = body as { data?: { version?: unknown } | null; errors?: Array<{ message?: unknown }> };
  if (Array.isArray(answer.errors) && answer.errors.length > 0) {
    const first = typeof answer.errors[0]?.message === "string" ? answer.errors[0].message : "unknown error";
    return failure({
      kind: "graphql-error",
      message: `the GraphQL endpoint at ${target.url} returned an error: ${first.slice(0, 200)}`,
      hint: "the server speaks GraphQL but not Dagster's schema, or it is broken; check its version and logs",
    });
  }
  const version = answer.data?.version;
  if (typeof version !== "string" || version === "") {
    return failure({
      kind: "not-the-server",
      message: `${target.url} answered JSON without a Dagster version: it is not a Dagster webserver`,
      hint: `point ${URL_SETTING} at the Dagster webserver`,
    });
  }
  return { success: true, message: `connected to Dagster ${version} at ${shown}`, errors: [], warnings: [] };
}

function failure(problem: ConnectionProblem): ValidationResult {
  return {
    success: false,
    message: problem.message,
    errors: [`${problem.kind}: ${problem.message}`, `hint: ${problem.hint}`],
    warnings: [],
  };
}
