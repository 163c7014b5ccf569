/**
 * Run control through the Airflow 3 REST API: `POST /api/v2/dags/{dag_id}/dagRuns` to trigger a run of
 * a generated DAG, `GET …/dagRuns/{run_id}` and `…/taskInstances` to follow it. Auth: a token from
 * AIRFLOW_API_TOKEN (or the token option), else a JWT from `POST /auth/token` with the user and password
 * `floe validate-connection` uses (AIRFLOW_USERNAME/AIRFLOW_PASSWORD). Credentials are only ever sent,
 * never shown.
 */
import {
  FloeError,
  httpStatusError,
  joinUrl,
  pickRunnableJob,
  redactUrl,
  requestJson,
  serverMessage,
  waitForRun,
  type CompiledArtifacts,
  type ConnectionTarget,
  type JsonAnswer,
  type JsonRequest,
  type ModelRunState,
  type RunControl,
  type RunHandle,
  type RunState,
  type RunStatus,
  type RunStatusRequest,
  type TriggerRunRequest,
  type WaitOptions,
} from "floe-core";
import type { AirflowDefinitionsModel } from "./dag-model.js";

const URL_SETTING = "--url, AIRFLOW_URL or the plugin's url option";

export interface AirflowRunSettings {
  url: string;
  token?: string;
  username?: string;
  password?: string;
  modelOf(artifacts: CompiledArtifacts): AirflowDefinitionsModel;
}

const RUN_STATES: Record<string, RunState> = { queued: "queued", running: "running", success: "success", failed: "failed" };

/** Airflow task instance states (TaskInstanceState, null = not scheduled yet) in floe's words. */
function modelState(state: unknown): ModelRunState {
  switch (state) {
    case "success":
      return "success";
    case "failed":
      return "failed";
    case "upstream_failed":
      return "upstream_failed";
    case "skipped":
    case "removed":
      return "skipped";
    case "running":
    case "up_for_retry":
    case "up_for_reschedule":
    case "restarting":
    case "deferred":
      return "running";
    default:
      return "pending";
  }
}

const segment = (value: string) => encodeURIComponent(value);

export class AirflowRunControl implements RunControl {
  readonly #settings: AirflowRunSettings;
  #auth: Promise<Record<string, string>> | undefined;

  constructor(settings: AirflowRunSettings) {
    this.#settings = settings;
  }

  #target(): ConnectionTarget {
    return { service: "Airflow API server", url: redactUrl(this.#settings.url), urlSetting: URL_SETTING };
  }

  /** The Authorization header: the given token, a JWT for the user (fetched once), or none. */
  #authHeaders(): Promise<Record<string, string>> {
    this.#auth ??= (async (): Promise<Record<string, string>> => {
      const { token, username, password } = this.#settings;
      if (token) return { authorization: `Bearer ${token}` };
      if (username === undefined) return {};
      const answer = await requestJson(joinUrl(this.#settings.url, "/auth/token"), this.#target(), {
        method: "POST",
        body: { username, password: password ?? "" },
      });
      if (answer.status === 401 || answer.status === 403) {
        throw new FloeError(
          "FLOE_CONNECTION_FAILED",
          `Airflow rejected the credentials of user ${JSON.stringify(username.slice(0, 80))} (HTTP ${answer.status} from /auth/token)`,
          {
            hint: "check AIRFLOW_USERNAME and AIRFLOW_PASSWORD (or the plugin's username/password options)",
          },
        );
      }
      const jwt = answer.status < 300 ? (answer.json as { access_token?: unknown } | null)?.access_token : undefined;
      if (typeof jwt !== "string") throw httpStatusError(answer.status, this.#target(), "getting a token from /auth/token");
      return { authorization: `Bearer ${jwt}` };
    })();
    return this.#auth as Promise<Record<string, string>>;
  }

  async #api(path: string, request: JsonRequest, what: string): Promise<JsonAnswer> {
    const headers = await this.#authHeaders();
    const answer = await requestJson(joinUrl(this.#settings.url, path), this.#target(), { ...request, headers });
    if (answer.status === 401 || answer.status === 403) {
      const how = this.#settings.token
        ? "the token in AIRFLOW_API_TOKEN"
        : this.#settings.username !== undefined
          ? `user ${JSON.stringify(this.#settings.username.slice(0, 80))}`
          : "anonymous requests";
      // Airflow says why (e.g. "Invalid JWT token"); a detail that quotes a credential is dropped.
      const detail = (answer.json as { detail?: unknown } | null)?.detail;
      const said = typeof detail === "string" ? `: ${this.#said(detail)}` : "";
      throw new FloeError("FLOE_CONNECTION_FAILED", `${what}: Airflow refused ${how} (HTTP ${answer.status}${said})`, {
        hint: this.#settings.token
          ? "the token is invalid, expired or lacks access to this DAG: set AIRFLOW_API_TOKEN to a valid one, or AIRFLOW_USERNAME and AIRFLOW_PASSWORD instead"
          : answer.status === 401
            ? "set AIRFLOW_API_TOKEN to a valid token, or AIRFLOW_USERNAME and AIRFLOW_PASSWORD"
            : "the user lacks permission for this DAG; ask for access or use another account",
      });
    }
    return answer;
  }

  /** A server message for an error line; dropped when it quotes the token or the password. */
  #said(message: unknown): string {
    const secrets = [this.#settings.token, this.#settings.password].filter((v): v is string => typeof v === "string" && v.length > 0);
    return typeof message === "string" && secrets.some((v) => message.includes(v))
      ? "(message withheld: it quotes a credential)"
      : serverMessage(message);
  }

  async trigger(request: TriggerRunRequest): Promise<RunHandle> {
    const model = this.#settings.modelOf(request.artifacts);
    const dag = pickRunnableJob(
      model.dags.map((d) => ({ floeName: d.job, id: d.dagId, isDefault: d.isDefault })),
      request.job,
    );
    const info = await this.#api(`/api/v2/dags/${segment(dag.id)}`, {}, `reading DAG ${dag.id}`);
    if (info.status === 404) {
      throw new FloeError(
        "FLOE_RUN_TARGET_NOT_DEPLOYED",
        `DAG "${dag.id}" is not deployed on the Airflow API server at ${this.#target().url}`,
        {
          hint: "copy the generated DAG files into the dags folder and wait for the dag processor to parse them (airflow dags list-import-errors shows why one fails)",
        },
      );
    }
    if (info.status !== 200) throw httpStatusError(info.status, this.#target(), `reading DAG ${dag.id}`);
    if ((info.json as { is_paused?: unknown } | null)?.is_paused === true) {
      throw new FloeError("FLOE_RUN_REFUSED", `DAG "${dag.id}" is paused: a run would wait in the queue until it is unpaused`, {
        hint: `unpause it first (airflow dags unpause ${dag.id}, or the toggle in the UI)`,
      });
    }
    const answer = await this.#api(
      `/api/v2/dags/${segment(dag.id)}/dagRuns`,
      { method: "POST", body: { logical_date: null } },
      `triggering DAG ${dag.id}`,
    );
    const runId = (answer.json as { dag_run_id?: unknown } | null)?.dag_run_id;
    if (answer.status >= 300 || typeof runId !== "string") {
      throw new FloeError(
        "FLOE_RUN_REFUSED",
        `Airflow refused to trigger DAG ${dag.id} (HTTP ${answer.status}): ${this.#said((answer.json as { detail?: unknown } | null)?.detail)}`,
        {
          hint: "look at the API server's logs",
        },
      );
    }
    return { runId, job: dag.id };
  }

  async status(request: RunStatusRequest): Promise<RunStatus> {
    const base = `/api/v2/dags/${segment(request.job)}/dagRuns/${segment(request.runId)}`;
    const run = await this.#api(base, {}, `reading run ${request.runId}`);
    if (run.status === 404) {
      throw new FloeError(
        "FLOE_RUN_NOT_FOUND",
        `Airflow has no run ${JSON.stringify(request.runId.slice(0, 80))} of DAG ${JSON.stringify(request.job.slice(0, 80))}`,
        {
          path: "<run-id>",
          hint: "pass a run id that floe run printed (with its --job), or one from the DAG's runs in the Airflow UI",
        },
      );
    }
    if (run.status !== 200) throw httpStatusError(run.status, this.#target(), `reading run ${request.runId}`);
    const state = RUN_STATES[String((run.json as { state?: unknown }).state)] ?? "queued";
    const tasks = await this.#api(`${base}/taskInstances?limit=1000`, {}, `reading the tasks of run ${request.runId}`);
    if (tasks.status !== 200) throw httpStatusError(tasks.status, this.#target(), `reading the tasks of run ${request.runId}`);
    const instances = (
      (tasks.json as { task_instances?: Array<{ task_id: string; state: unknown; map_index?: number }> }).task_instances ?? []
    ).filter((t) => (t.map_index ?? -1) < 0);
    const dag = request.artifacts ? this.#settings.modelOf(request.artifacts).dags.find((d) => d.dagId === request.job) : undefined;
    const order = new Map((dag?.tasks ?? []).map((t, i) => [t.taskId, i]));
    const modelOf = new Map((dag?.tasks ?? []).map((t) => [t.taskId, t.model]));
    instances.sort((a, b) => (order.get(a.task_id) ?? 1e9) - (order.get(b.task_id) ?? 1e9) || a.task_id.localeCompare(b.task_id));
    return {
      runId: request.runId,
      job: request.job,
      state,
      // With the artifacts, only the models' tasks (not build mode's dbt_build, not freshness checks).
      models: instances
        .filter((t) => dag === undefined || modelOf.has(t.task_id))
        .map((t) => ({ model: modelOf.get(t.task_id) ?? t.task_id, state: modelState(t.state) })),
    };
  }

  wait(request: RunStatusRequest, options?: WaitOptions): Promise<RunStatus> {
    return waitForRun(() => this.status(request), options);
  }
}
