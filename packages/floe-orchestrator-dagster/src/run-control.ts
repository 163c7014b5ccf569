/**
 * Run control through the Dagster webserver's GraphQL API: find the generated job's repository and
 * code location (`workspaceOrError`), `launchRun` it, and read its state and per-asset events
 * (`runOrError` + `eventConnection`). Asset keys are mapped back to the dbt models they stand for.
 */
import {
  FloeError,
  httpStatusError,
  joinUrl,
  pickRunnableJob,
  redactUrl,
  requestJson,
  resolveJobs,
  serverMessage,
  waitForRun,
  type CompiledArtifacts,
  type ConnectionTarget,
  type ModelProgress,
  type ModelRunState,
  type RunControl,
  type RunHandle,
  type RunState,
  type RunStatus,
  type RunStatusRequest,
  type TriggerRunRequest,
  type WaitOptions,
} from "floe-core";
import type { DagsterDefinitionsModel } from "./definitions-model.js";

const URL_SETTING = "--url, DAGSTER_URL or the plugin's url option";

export interface DagsterRunSettings {
  url: string;
  /** Dagster+ API token (DAGSTER_CLOUD_API_TOKEN), sent as the `Dagster-Cloud-Api-Token` header; never shown. */
  token?: string;
  /** The typed model of the generated code for some artifacts. */
  modelOf(artifacts: CompiledArtifacts): DagsterDefinitionsModel;
}

const WORKSPACE_QUERY = `query FloeWorkspace {
  workspaceOrError {
    __typename
    ... on Workspace { locationEntries { name locationOrLoadError { __typename
      ... on RepositoryLocation { name repositories { name jobs { name } } }
      ... on PythonError { message } } } }
    ... on PythonError { message }
  }
}`;

const LAUNCH_MUTATION = `mutation FloeLaunchRun($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId jobName status } }
    ... on PipelineNotFoundError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on UnauthorizedError { message }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConflict { message }
  }
}`;

const RUN_QUERY = `query FloeRun($runId: ID!, $cursor: String) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { runId jobName status
      eventConnection(afterCursor: $cursor) { cursor hasMore events { __typename
        ... on AssetMaterializationPlannedEvent { assetKey { path } }
        ... on MaterializationEvent { assetKey { path } }
        ... on FailedToMaterializeEvent { assetKey { path } }
        ... on AssetCheckEvaluationEvent { evaluation { assetKey { path } success severity } }
      } } }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}`;

const RUN_STATES: Record<string, RunState> = {
  QUEUED: "queued",
  NOT_STARTED: "queued",
  STARTING: "queued",
  STARTED: "running",
  MANAGED: "running",
  CANCELING: "running",
  SUCCESS: "success",
  FAILURE: "failed",
  CANCELED: "canceled",
};

type Gql = Record<string, unknown>;

export class DagsterRunControl implements RunControl {
  readonly #settings: DagsterRunSettings;

  constructor(settings: DagsterRunSettings) {
    this.#settings = settings;
  }

  #target(): ConnectionTarget {
    return { service: "Dagster webserver", url: redactUrl(this.#settings.url), urlSetting: URL_SETTING };
  }

  async #graphql(query: string, variables: Record<string, unknown>, what: string): Promise<Gql> {
    const headers: Record<string, string> = this.#settings.token ? { "Dagster-Cloud-Api-Token": this.#settings.token } : {};
    const answer = await requestJson(joinUrl(this.#settings.url, "graphql"), this.#target(), {
      method: "POST",
      headers,
      body: { query, variables },
    });
    if (answer.status < 200 || answer.status >= 300) throw httpStatusError(answer.status, this.#target(), what);
    const body = answer.json as { data?: Gql | null; errors?: Array<{ message?: unknown }> } | undefined;
    if (!body || typeof body !== "object") {
      throw new FloeError("FLOE_CONNECTION_FAILED", `${what}: ${this.#target().url} did not answer with GraphQL JSON`, {
        hint: `point ${URL_SETTING} at the Dagster webserver`,
      });
    }
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      throw new FloeError(
        "FLOE_CONNECTION_FAILED",
        `${what}: the Dagster webserver returned a GraphQL error: ${this.#said(body.errors[0]?.message)}`,
        {
          hint: "check that the server runs Dagster 1.13 (the version floe generates for)",
        },
      );
    }
    return body.data ?? {};
  }

  /** A server message for an error line; dropped when it quotes the token. */
  #said(message: unknown): string {
    const token = this.#settings.token;
    return token && typeof message === "string" && message.includes(token)
      ? "(message withheld: it quotes the API token)"
      : serverMessage(message);
  }

  async trigger(request: TriggerRunRequest): Promise<RunHandle> {
    const model = this.#settings.modelOf(request.artifacts);
    const floeJobs = resolveJobs(request.artifacts);
    const job = pickRunnableJob(
      model.jobs.map((j, i) => ({ floeName: floeJobs[i]?.name ?? j.name, id: j.name, isDefault: j.isDefault })),
      request.job,
    );
    const selector = await this.#locate(job.id, model.location);
    const data = await this.#graphql(
      LAUNCH_MUTATION,
      { params: { selector: { ...selector, jobName: job.id }, runConfigData: {} } },
      `launching ${job.id}`,
    );
    const result = (data.launchRun ?? {}) as Gql & { run?: { runId?: unknown }; errors?: Array<{ message?: unknown }> };
    if (result.__typename === "LaunchRunSuccess" && typeof result.run?.runId === "string") return { runId: result.run.runId, job: job.id };
    const message = result.__typename === "RunConfigValidationInvalid" ? result.errors?.[0]?.message : result.message;
    throw new FloeError(
      "FLOE_RUN_REFUSED",
      `the Dagster webserver refused to launch ${job.id} (${String(result.__typename)}): ${this.#said(message)}`,
      {
        hint:
          result.__typename === "UnauthorizedError"
            ? "the server's user lacks permission to launch runs"
            : "look at the code location's state in the Dagster UI",
      },
    );
  }

  /** The repository and location serving `job`, found on the server (the generated location first). */
  async #locate(job: string, location: string): Promise<{ repositoryLocationName: string; repositoryName: string }> {
    const data = await this.#graphql(WORKSPACE_QUERY, {}, "reading the workspace");
    const workspace = (data.workspaceOrError ?? {}) as Gql & { locationEntries?: Array<Gql & { locationOrLoadError?: Gql }> };
    if (workspace.__typename !== "Workspace") {
      throw new FloeError(
        "FLOE_CONNECTION_FAILED",
        `the Dagster webserver could not list its code locations: ${this.#said(workspace.message)}`,
        { hint: "look at the webserver's logs" },
      );
    }
    const found: Array<{ repositoryLocationName: string; repositoryName: string }> = [];
    const broken: string[] = [];
    for (const entry of workspace.locationEntries ?? []) {
      const loc = entry.locationOrLoadError as
        | (Gql & { repositories?: Array<{ name: string; jobs: Array<{ name: string }> }> })
        | undefined;
      if (loc?.__typename !== "RepositoryLocation") {
        broken.push(String(entry.name));
        continue;
      }
      for (const repo of loc.repositories ?? []) {
        if (repo.jobs.some((j) => j.name === job)) found.push({ repositoryLocationName: String(loc.name), repositoryName: repo.name });
      }
    }
    const pick = found.find((f) => f.repositoryLocationName === location) ?? found[0];
    if (pick) return pick;
    throw new FloeError("FLOE_RUN_TARGET_NOT_DEPLOYED", `job "${job}" is not deployed on the Dagster webserver at ${this.#target().url}`, {
      hint: broken.length
        ? `code location ${broken.slice(0, 3).join(", ")} failed to load; fix it and reload`
        : "deploy the generated code location (floe generate --orchestrator dagster) and reload the workspace",
    });
  }

  async status(request: RunStatusRequest): Promise<RunStatus> {
    const defs = request.artifacts ? this.#settings.modelOf(request.artifacts) : undefined;
    const names = defs ? modelNames(defs) : new Map<string, string>();
    const deps = new Map((defs?.assets ?? []).map((a) => [a.model, a.deps.map((d) => names.get(d.join("/")) ?? d.join("/"))]));
    const failedChecks = new Set<string>();
    const planned: string[] = [];
    const states = new Map<string, ModelRunState>();
    let cursor: string | null = null;
    let run: Gql = {};
    for (let page = 0; page < 1000; page++) {
      const data = await this.#graphql(RUN_QUERY, { runId: request.runId, cursor }, `reading run ${request.runId}`);
      run = (data.runOrError ?? {}) as Gql;
      if (run.__typename === "RunNotFoundError") {
        throw new FloeError("FLOE_RUN_NOT_FOUND", `the Dagster webserver has no run ${JSON.stringify(request.runId.slice(0, 80))}`, {
          path: "<run-id>",
          hint: "pass a run id that floe run printed, or one from the Dagster UI's Runs page",
        });
      }
      if (run.__typename !== "Run")
        throw new FloeError("FLOE_CONNECTION_FAILED", `reading run ${request.runId} failed: ${this.#said(run.message)}`, {
          hint: "look at the webserver's logs",
        });
      type Event = {
        __typename: string;
        assetKey?: { path: string[] } | null;
        evaluation?: { assetKey: { path: string[] }; success: boolean; severity: string };
      };
      const events = run.eventConnection as { cursor: string; hasMore: boolean; events: Event[] };
      for (const event of events.events) {
        if (event.evaluation && !event.evaluation.success && event.evaluation.severity === "ERROR") {
          const key = event.evaluation.assetKey.path.join("/");
          failedChecks.add(names.get(key) ?? key);
        }
        if (!event.assetKey) continue;
        const key = event.assetKey.path.join("/");
        const name = names.get(key) ?? key;
        if (event.__typename === "AssetMaterializationPlannedEvent" && !states.has(name)) {
          planned.push(name);
          states.set(name, "pending");
        } else if (event.__typename === "MaterializationEvent") {
          if (!states.has(name)) planned.push(name);
          states.set(name, "success");
        } else if (event.__typename === "FailedToMaterializeEvent") {
          if (!states.has(name)) planned.push(name);
          if (states.get(name) !== "success") states.set(name, "failed");
        }
      }
      cursor = events.cursor;
      if (!events.hasMore) break;
    }
    const state = RUN_STATES[String(run.status)] ?? "running";
    // Dagster reports the dbt step's failure, not the model's: in a failed run, a planned model that was
    // never materialized failed itself when every upstream model of the run materialized without a failed
    // test (dbt then ran it), else it did not run because of them. Without the artifacts (no deps known),
    // and in a canceled run, such models count as skipped.
    const ended = state === "success" || state === "failed" || state === "canceled";
    const final = (model: string): ModelRunState => {
      const s = states.get(model) ?? "pending";
      if (!ended || s !== "pending") return s;
      if (state !== "failed" || !deps.has(model)) return "skipped";
      const upstream = (deps.get(model) ?? []).filter((d) => states.has(d));
      return upstream.every((d) => states.get(d) === "success" && !failedChecks.has(d)) ? "failed" : "upstream_failed";
    };
    const models: ModelProgress[] = planned.map((model) => ({ model, state: final(model) }));
    return { runId: String(run.runId), job: String(run.jobName), state, models };
  }

  wait(request: RunStatusRequest, options?: WaitOptions): Promise<RunStatus> {
    return waitForRun(() => this.status(request), options);
  }
}

function modelNames(model: DagsterDefinitionsModel): Map<string, string> {
  return new Map(model.assets.map((a) => [a.key.join("/"), a.model]));
}
