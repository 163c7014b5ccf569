/** The JSON Schema of CompiledArtifacts, exported from the zod schema (never written by hand). */
import { z } from "zod";
import { CompiledArtifactsSchema } from "./compiled-artifacts.js";
import { SUPPORTED_ARTIFACTS_RANGE } from "./version.js";

/**
 * A draft 2020-12 JSON Schema for the documents `floe artifacts validate` accepts, describing the
 * input side (fields with defaults are optional). The transform-graph checks (duplicates, dangling
 * dependencies, cycles) and the version range cannot be said in JSON Schema; the CLI still runs them.
 */
export function compiledArtifactsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CompiledArtifactsSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    title: "CompiledArtifacts",
    description: `floe CompiledArtifacts ${SUPPORTED_ARTIFACTS_RANGE.min} to ${SUPPORTED_ARTIFACTS_RANGE.max}, with floe-orchestrators' optional extensions. Model graph checks (unique names, known dependencies, no cycles) are not expressible here; run floe artifacts validate.`,
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema")),
  };
}
