/** Loads the OpenLineage spec and facet schemas (vendored under packages/floe-core/test/openlineage-spec) into ajv. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The vendored spec (see its NOTICE.md); FLOE_OPENLINEAGE_SPEC_DIR points at another copy, e.g. a newer spec. */
export function openLineageSpecDir(): string {
  const dir = process.env.FLOE_OPENLINEAGE_SPEC_DIR
    ? path.resolve(process.env.FLOE_OPENLINEAGE_SPEC_DIR)
    : path.resolve(REPO_ROOT, "packages", "floe-core", "test", "openlineage-spec");
  if (!fs.existsSync(path.join(dir, "OpenLineage.json"))) {
    throw new Error(`OpenLineage spec not found at ${dir}`);
  }
  return dir;
}

export interface SpecValidator {
  ajv: Ajv2020;
  /** facet file name (e.g. ParentRunFacet) -> its `$id` and root property names. */
  facets: Map<string, { id: string; keys: string[] }>;
  /**
   * Errors of one RunEvent, core and every facet against its own schema; empty when valid.
   * `customFacets: "base"` accepts facets whose _schemaURL names no spec facet (custom facets such as
   * the Airflow provider's) when they carry the base facet fields (_producer and _schemaURL URIs).
   */
  validateRunEvent(event: unknown, options?: { customFacets?: "reject" | "base" }): string[];
}

export function loadSpecValidator(): SpecValidator {
  const dir = openLineageSpecDir();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const core = JSON.parse(fs.readFileSync(path.join(dir, "OpenLineage.json"), "utf8")) as { $id: string };
  ajv.addSchema(core);
  const facets = new Map<string, { id: string; keys: string[] }>();
  for (const file of fs.readdirSync(path.join(dir, "facets"))) {
    if (!file.endsWith(".json")) continue;
    const schema = JSON.parse(fs.readFileSync(path.join(dir, "facets", file), "utf8")) as {
      $id: string;
      properties?: Record<string, unknown>;
    };
    ajv.addSchema(schema);
    facets.set(file.replace(/\.json$/, ""), { id: schema.$id, keys: Object.keys(schema.properties ?? {}) });
  }
  const runEvent = ajv.getSchema(`${core.$id}#/$defs/RunEvent`);
  if (!runEvent) throw new Error("RunEvent not found in OpenLineage.json");

  const baseFacet = ajv.getSchema(`${core.$id}#/$defs/BaseFacet`);
  if (!baseFacet) throw new Error("BaseFacet not found in OpenLineage.json");

  function validateFacets(
    where: string,
    facetMap: Record<string, unknown> | undefined,
    errors: string[],
    custom: "reject" | "base" = "reject",
  ): void {
    for (const [key, facet] of Object.entries(facetMap ?? {})) {
      const url = (facet as { _schemaURL?: string })._schemaURL ?? "";
      const [id, pointer] = url.split("#");
      const entry = [...facets.entries()].find(([, f]) => f.id === id);
      if (!entry && custom === "base") {
        if (!baseFacet!(facet)) errors.push(...(baseFacet!.errors ?? []).map((e) => `${where}.${key}${e.instancePath}: ${e.message}`));
        continue;
      }
      if (!entry) {
        errors.push(`${where}.${key}: _schemaURL ${url} names no facet schema in the spec`);
        continue;
      }
      if (!entry[1].keys.includes(key)) errors.push(`${where}.${key}: ${entry[0]} is keyed ${entry[1].keys.join("/")}`);
      const validate = ajv.getSchema(`${id}#${pointer ?? `/$defs/${entry[0]}`}`);
      if (!validate) {
        errors.push(`${where}.${key}: no schema at ${url}`);
        continue;
      }
      if (!validate(facet)) errors.push(...(validate.errors ?? []).map((e) => `${where}.${key}${e.instancePath}: ${e.message}`));
      // And the root form the spec's test vectors use: { <key>: facet }.
      const root = ajv.getSchema(id!);
      if (root && !root({ [key]: facet })) errors.push(`${where}.${key}: root schema refused it`);
    }
  }

  return {
    ajv,
    facets,
    validateRunEvent(event, options = {}) {
      const custom = options.customFacets ?? "reject";
      const errors: string[] = [];
      if (!runEvent(event)) errors.push(...(runEvent.errors ?? []).map((e) => `${e.instancePath || "(event)"}: ${e.message}`));
      const ev = event as {
        run?: { facets?: Record<string, unknown> };
        job?: { facets?: Record<string, unknown> };
        inputs?: Array<{ facets?: Record<string, unknown> }>;
        outputs?: Array<{ facets?: Record<string, unknown> }>;
      };
      validateFacets("run.facets", ev.run?.facets, errors, custom);
      validateFacets("job.facets", ev.job?.facets, errors, custom);
      ev.inputs?.forEach((d, i) => {
        validateFacets(`inputs[${i}].facets`, d.facets, errors, custom);
      });
      ev.outputs?.forEach((d, i) => {
        validateFacets(`outputs[${i}].facets`, d.facets, errors, custom);
      });
      return errors;
    },
  };
}
