import type { z } from "zod";
import { FloeError } from "../errors.js";
import { checkTransformGraph } from "../graph.js";
import { validateSchedule, type ValidSchedule } from "../schedule/validate-schedule.js";
import { resolvePartitioning } from "../partition/partitioning.js";
import { CompiledArtifactsSchema, type CompiledArtifacts } from "./compiled-artifacts.js";
import { checkArtifactsVersion } from "./version.js";
import { checkDepth, parseJsonText } from "../json-text.js";

export interface ParsedArtifacts {
  artifacts: ValidatedArtifacts;
  warnings: string[];
}

/** `a.b[2].c`, the way a reader would point at a field. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(document)";
}

/** Converts the first zod issue into a floe error that names the field. */
export function zodToFloeError(
  error: z.ZodError,
  code: "FLOE_ARTIFACTS_INVALID" | "FLOE_CONFIG_INVALID" | "FLOE_MANIFEST_INVALID",
  what: string,
  prefix: ReadonlyArray<PropertyKey> = [],
  hint?: string,
): FloeError {
  const issue = error.issues[0];
  const path = formatPath([...prefix, ...(issue?.path ?? [])]);
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? "s" : ""})` : "";
  return new FloeError(code, `${issue?.message ?? "invalid"}${extra}`, {
    path,
    hint: hint ?? `fix ${path} in the ${what}`,
    cause: error,
  });
}

/** Parses and checks a CompiledArtifacts document given as JSON text. */
export function parseArtifactsJson(text: string): ParsedArtifacts {
  if (text.trim() === "") {
    throw new FloeError("FLOE_ARTIFACTS_NOT_JSON", "the file is empty", {
      path: "(document)",
      hint: "pass the compiled_artifacts.json that `floe compile` wrote",
    });
  }
  return parseArtifacts(
    parseJsonText(text, {
      code: "FLOE_ARTIFACTS_NOT_JSON",
      depthCode: "FLOE_ARTIFACTS_INVALID",
      hint: "CompiledArtifacts are a JSON document",
    }),
  );
}

declare const validatedBrand: unique symbol;

/**
 * CompiledArtifacts that floe-core's parser (parseArtifacts / parseArtifactsJson) produced: the only
 * way to make one, so a plugin's `generate` never validates again. Treat it as immutable: a document
 * changed after parsing must be parsed again.
 */
export type ValidatedArtifacts = CompiledArtifacts & { readonly [validatedBrand]: true };

/** Every document the parser produced (weakly held), with its schedules as parsed, so a value can be recognised at run time. */
const produced = new WeakMap<object, readonly ValidSchedule[]>();

/** True for a document floe-core's parser produced (plugins built against another copy see false). */
export function isValidatedArtifacts(value: unknown): value is ValidatedArtifacts {
  return typeof value === "object" && value !== null && produced.has(value);
}

/**
 * `orchestration.schedules` of validated artifacts, in order, as the parser read them (cron trimmed,
 * macros kept, the 5-field form and the parsed expression), so no plugin parses a cron again.
 */
export function validatedSchedules(artifacts: ValidatedArtifacts): readonly ValidSchedule[] {
  const schedules = produced.get(artifacts);
  if (!schedules) {
    throw new FloeError("FLOE_INTERNAL", "these artifacts did not come from floe-core's parser", {
      hint: "pass the artifacts parseArtifacts returned",
    });
  }
  return schedules;
}

/** Validates an already-parsed document: version, shape, then the transform graph. */
export function parseArtifacts(data: unknown): ParsedArtifacts {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new FloeError("FLOE_ARTIFACTS_INVALID", "expected a JSON object", {
      path: "(document)",
      hint: "CompiledArtifacts are a JSON object with version, metadata, identity and observability",
    });
  }
  checkDepth(data, "FLOE_ARTIFACTS_INVALID");
  const version = (data as { version?: unknown }).version;
  if (typeof version !== "string") {
    throw new FloeError("FLOE_ARTIFACTS_INVALID", version === undefined ? "required" : "expected a string", {
      path: "version",
      hint: 'set "version" to the CompiledArtifacts version, e.g. "0.10.0"',
    });
  }
  const { warning } = checkArtifactsVersion(version);
  const result = CompiledArtifactsSchema.safeParse(data);
  if (!result.success) throw zodToFloeError(result.error, "FLOE_ARTIFACTS_INVALID", "CompiledArtifacts");
  const artifacts = result.data;
  if (artifacts.transforms) checkTransformGraph(artifacts.transforms.models, "transforms.models");
  const schedules = checkOrchestration(artifacts);
  resolvePartitioning(artifacts);
  produced.set(artifacts, schedules);
  return { artifacts: artifacts as ValidatedArtifacts, warnings: warning ? [warning] : [] };
}

function checkOrchestration(artifacts: CompiledArtifacts): ValidSchedule[] {
  const schedules: ValidSchedule[] = [];
  const orchestration = artifacts.orchestration;
  if (!orchestration) return schedules;
  const models = new Set((artifacts.transforms?.models ?? []).map((m) => m.name));
  const jobs = new Set<string>();
  orchestration.jobs.forEach((job, i) => {
    if (jobs.has(job.name)) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `job "${job.name}" is defined twice`, {
        path: `orchestration.jobs[${i}].name`,
        hint: "give each job a unique name",
      });
    }
    jobs.add(job.name);
    (job.select?.models ?? []).forEach((model, j) => {
      if (!models.has(model)) {
        throw new FloeError("FLOE_ARTIFACTS_INVALID", `job "${job.name}" selects "${model}", which names no model`, {
          path: `orchestration.jobs[${i}].select.models[${j}]`,
          hint: "select models listed in transforms.models",
        });
      }
    });
  });
  orchestration.schedules.forEach((schedule, i) => {
    if (!jobs.has(schedule.job) && schedule.job !== artifacts.metadata.product_name) {
      throw new FloeError("FLOE_ARTIFACTS_INVALID", `schedule runs job "${schedule.job}", which is not defined`, {
        path: `orchestration.schedules[${i}].job`,
        hint: "name a job from orchestration.jobs, or the product name for the whole product",
      });
    }
    // Cron and zone are parsed here, once (orchestrator-neutral rules), so `artifacts validate` refuses
    // what every plugin refuses and the error names the schedule's own field; plugins get the parsed
    // form through validatedSchedules() and add only their own rules.
    try {
      schedules.push(validateSchedule(schedule.cron, schedule.timezone));
    } catch (error) {
      if (!(error instanceof FloeError)) throw error;
      throw new FloeError(error.code, error.message, {
        path: `orchestration.schedules[${i}].${error.path ?? "cron"}`,
        hint: error.hint,
        cause: error,
      });
    }
  });
  return schedules;
}
