/**
 * Checks an Airflow 3 API server: version, optional JWT login, and the health of its components.
 * The whole check shares one deadline, so it resolves within 10 s whatever the server does.
 */
import {
  describeProbeFailure,
  joinUrl,
  probeHttp,
  redactUrl,
  shortInput,
  type ProbeResult,
  type ProbeSuccess,
  type ValidationResult,
} from "floe-core";

export const DEFAULT_AIRFLOW_URL = "http://localhost:8080";
// Leaves the CLI ~1 s to start and load the plugin inside the 10 s promise.
const TOTAL_BUDGET_MS = 9_000;
const SERVICE = "the Airflow API server";
const URL_SETTING = "the plugin's url option, --url or AIRFLOW_URL";

export interface AirflowConnectionSettings {
  url: string;
  username?: string;
  password?: string;
  /** Overall deadline in milliseconds (default 9,000, under the contract's 10 s). */
  budgetMs?: number;
}

/** URL from the plugin options, then AIRFLOW_URL, then localhost:8080; credentials likewise (AIRFLOW_USERNAME/AIRFLOW_PASSWORD). */
export function resolveConnectionSettings(
  options: { url?: string; username?: string; password?: string },
  env: NodeJS.ProcessEnv = process.env,
): AirflowConnectionSettings {
  const url = options.url ?? (env.AIRFLOW_URL || undefined) ?? DEFAULT_AIRFLOW_URL;
  const username = options.username ?? (env.AIRFLOW_USERNAME || undefined);
  const password = options.password ?? env.AIRFLOW_PASSWORD;
  return { url, ...(username !== undefined ? { username, password: password ?? "" } : {}) };
}

type Health = Record<string, { status?: unknown } | null | undefined>;

export async function checkAirflowConnection(settings: AirflowConnectionSettings): Promise<ValidationResult> {
  const started = Date.now();
  const budget = Math.min(settings.budgetMs ?? TOTAL_BUDGET_MS, TOTAL_BUDGET_MS);
  const remaining = () => Math.max(1, budget - (Date.now() - started));
  const get = (path: string, headers: Record<string, string> = {}) =>
    probeHttp(joinUrl(settings.url, path), { headers: { accept: "application/json", ...headers }, deadlineMs: remaining() });
  const fail = (message: string, hint: string, warnings: string[] = []): ValidationResult => ({
    success: false,
    message,
    errors: [`${message} (hint: ${hint})`],
    warnings,
  });
  const probeFailed = (result: Extract<ProbeResult, { ok: false }>) => {
    const d = describeProbeFailure(result, { service: "Airflow API server", url: redactUrl(settings.url), urlSetting: URL_SETTING });
    return fail(d.message, d.hint);
  };

  const version = await get("/api/v2/version");
  if (!version.ok) return probeFailed(version);
  if (version.status === 401 || version.status === 403) {
    return fail(
      `${SERVICE} refused an anonymous version request (HTTP ${version.status})`,
      "check that the URL points at the API server itself, not a proxy that requires its own login",
    );
  }
  if (version.status === 404) {
    const v1 = await get("/api/v1/version");
    if (v1.ok && v1.status < 500 && typeof readJson(v1)?.version === "string") {
      const found = String(readJson(v1)!.version);
      return fail(
        `the server runs Airflow ${found}, which has only the /api/v1 API; floe generates DAGs for Airflow 3`,
        "upgrade to Airflow 3 (apache-airflow>=3.0), or point the URL at an Airflow 3 API server",
      );
    }
    return fail(
      `${safeHost(settings.url)} answers, but not as Airflow: /api/v2/version was not found`,
      "check the URL: it should be the Airflow API server's base URL (e.g. http://host:8080)",
    );
  }
  const info = version.status === 200 ? readJson(version) : undefined;
  if (!info || typeof info.version !== "string") {
    return fail(
      `${safeHost(settings.url)} answers, but not as Airflow (HTTP ${version.status} on /api/v2/version without an Airflow version)`,
      "check the URL: it should be the Airflow API server's base URL (e.g. http://host:8080)",
    );
  }
  const airflowVersion = info.version;
  const major = Number.parseInt(airflowVersion, 10);
  if (!(major >= 3)) {
    return fail(
      `the server reports Airflow ${airflowVersion}; floe generates DAGs for Airflow 3`,
      "upgrade to Airflow 3 (apache-airflow>=3.0)",
    );
  }

  const warnings: string[] = [];
  let auth: Record<string, string> = {};
  if (settings.username !== undefined) {
    const token = await probeHttp(joinUrl(settings.url, "/auth/token"), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ username: settings.username, password: settings.password ?? "" }),
      deadlineMs: remaining(),
    });
    if (!token.ok) return probeFailed(token);
    if (token.status === 401 || token.status === 403) {
      return fail(
        `Airflow ${airflowVersion} rejected the credentials of user "${settings.username}" (HTTP ${token.status} from /auth/token)`,
        "check the username and password (plugin options or AIRFLOW_USERNAME/AIRFLOW_PASSWORD)",
      );
    }
    const accessToken = token.status < 300 ? readJson(token)?.access_token : undefined;
    if (typeof accessToken !== "string") {
      return fail(
        `Airflow ${airflowVersion} did not issue a token (HTTP ${token.status} from /auth/token)`,
        "check that the API server's auth manager supports POST /auth/token (simple or FAB auth manager)",
      );
    }
    auth = { authorization: `Bearer ${accessToken}` };
    const dags = await get("/api/v2/dags?limit=1", auth);
    if (!dags.ok) return probeFailed(dags);
    if (dags.status === 401 || dags.status === 403) {
      return fail(
        `Airflow ${airflowVersion} issued a token but refused it for listing DAGs (HTTP ${dags.status})`,
        `grant user "${settings.username}" read access to DAGs`,
      );
    }
  } else {
    warnings.push(
      "no credentials given: the authenticated API was not checked (set username/password or AIRFLOW_USERNAME/AIRFLOW_PASSWORD)",
    );
  }

  const healthAnswer = await get("/api/v2/monitor/health", auth);
  if (!healthAnswer.ok) return probeFailed(healthAnswer);
  const health = healthAnswer.status === 200 ? (readJson(healthAnswer) as Health | undefined) : undefined;
  if (!health || typeof health.metadatabase !== "object") {
    return fail(
      `Airflow ${airflowVersion} gave no health report (HTTP ${healthAnswer.status} on /api/v2/monitor/health)`,
      "check the API server's logs",
    );
  }
  // Whatever the server sends: a status that is not a string is reported as such, never as "[object Object]".
  const status = (key: string): string | null => {
    const value: unknown = health[key]?.status ?? null;
    if (value === null) return null;
    return typeof value === "string"
      ? shortInput(value, 40)
      : `with an unreadable status (${Array.isArray(value) ? "array" : typeof value})`;
  };
  const errors: string[] = [];
  const report = (key: string, label: string, when: { unhealthy: "error" | "warning"; missing: "error" | "warning" }, hint: string) => {
    const s = status(key);
    if (s === "healthy") return `${label} healthy`;
    const problem = s === null ? `${label}: none has ever run` : `${label} ${s}`;
    const level = s === null ? when.missing : when.unhealthy;
    (level === "error" ? errors : warnings).push(`${problem} (hint: ${hint})`);
    return s === null ? `${label} not running` : `${label} ${s}`;
  };
  const parts = [
    report(
      "metadatabase",
      "metadatabase",
      { unhealthy: "error", missing: "error" },
      "check the database connection of the API server (sql_alchemy_conn) and that `airflow db migrate` ran",
    ),
    report("scheduler", "scheduler", { unhealthy: "error", missing: "error" }, "start `airflow scheduler`; without it no DAG runs"),
    report(
      "dag_processor",
      "dag processor",
      { unhealthy: "error", missing: "warning" },
      "start `airflow dag-processor`; without it new DAG files are not parsed",
    ),
    report(
      "triggerer",
      "triggerer",
      { unhealthy: "warning", missing: "warning" },
      "start `airflow triggerer` if any DAG uses deferrable operators (floe's dbt tasks do not)",
    ),
  ];
  const summary = `Airflow ${airflowVersion} at ${safeHost(settings.url)}: ${parts.join(", ")}`;
  if (errors.length > 0) return { success: false, message: `${summary}; unhealthy components`, errors, warnings };
  return { success: true, message: summary, errors: [], warnings };
}

function readJson(result: ProbeSuccess): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(result.body);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the server";
  }
}
