/**
 * OpenLineage 2-0-2 RunEvents and the facets floe emits, as zod schemas (the single source of the
 * types), plus the pure builder that assembles an event.
 */
import { createRequire } from "node:module";
import { z } from "zod";
import type { DatasetInput, LineageEventType } from "../contracts.js";
import { uuidV7 } from "./uuid-v7.js";

const require = createRequire(import.meta.url);
const CORE_VERSION: string = (require("../../package.json") as { version: string }).version;

export const OPENLINEAGE_SPEC_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
export const RUN_EVENT_SCHEMA_URL = `${OPENLINEAGE_SPEC_URL}#/$defs/RunEvent`;
/** Who produced the event: floe-core at this version (a URL, as the spec asks). */
export const FLOE_PRODUCER = `https://www.npmjs.com/package/floe-core/v/${CORE_VERSION}`;

/** The facet schema versions floe writes; a test checks each against the `$id` of the spec's facet file. */
export const FACET_SCHEMA_URLS = {
  parent: "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet",
  nominalTime: "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet",
  errorMessage: "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet",
  jobType: "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
} as const;

// z.guid(): any 8-4-4-4-12 hex id. The spec's `format: uuid` does not pin a version or variant, and its
// own test vectors use ids that a strict RFC check would refuse.
const runId = z.guid();
const isoDateTime = z.iso.datetime({ offset: true });
const uri = z.string().refine((value) => URL.canParse(value), "must be a URI");
const facetRecord = z.record(z.string(), z.looseObject({ _producer: uri, _schemaURL: uri }));

export const BaseFacetSchema = z.looseObject({ _producer: uri, _schemaURL: uri });

export const ParentRunFacetSchema = BaseFacetSchema.extend({
  run: z.looseObject({ runId, facets: facetRecord.optional() }),
  job: z.looseObject({ namespace: z.string(), name: z.string(), facets: facetRecord.optional() }),
  root: z
    .looseObject({
      run: z.looseObject({ runId, facets: facetRecord.optional() }),
      job: z.looseObject({ namespace: z.string(), name: z.string(), facets: facetRecord.optional() }),
    })
    .optional(),
});

export const NominalTimeRunFacetSchema = BaseFacetSchema.extend({
  nominalStartTime: isoDateTime,
  nominalEndTime: isoDateTime.optional(),
});

export const ErrorMessageRunFacetSchema = BaseFacetSchema.extend({
  message: z.string(),
  programmingLanguage: z.string(),
  stackTrace: z.string().optional(),
});

export const JobTypeJobFacetSchema = BaseFacetSchema.extend({
  processingType: z.string(),
  integration: z.string(),
  jobType: z.string().optional(),
  emissionPattern: z
    .looseObject({
      eventTrigger: z.string(),
      eventContentMode: z.string(),
      windowDuration: z.number().int().min(1).optional(),
    })
    .optional(),
  _deleted: z.boolean().optional(),
});

export const RunFacetsSchema = z.looseObject({
  parent: ParentRunFacetSchema.optional(),
  nominalTime: NominalTimeRunFacetSchema.optional(),
  errorMessage: ErrorMessageRunFacetSchema.optional(),
});
export const JobFacetsSchema = z.looseObject({ jobType: JobTypeJobFacetSchema.optional() });

export const OpenLineageDatasetSchema = z.looseObject({
  namespace: z.string(),
  name: z.string(),
  facets: facetRecord.optional(),
});

export const RunEventSchema = z.looseObject({
  eventTime: isoDateTime,
  producer: uri,
  schemaURL: uri,
  eventType: z.enum(["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]).optional(),
  run: z.looseObject({ runId, facets: RunFacetsSchema.optional() }),
  job: z.looseObject({ namespace: z.string(), name: z.string(), facets: JobFacetsSchema.optional() }),
  inputs: z.array(OpenLineageDatasetSchema.extend({ inputFacets: facetRecord.optional() })).optional(),
  outputs: z.array(OpenLineageDatasetSchema.extend({ outputFacets: facetRecord.optional() })).optional(),
});

export type RunEvent = z.infer<typeof RunEventSchema>;
export type ParentRunFacet = z.infer<typeof ParentRunFacetSchema>;
export type JobTypeJobFacet = z.infer<typeof JobTypeJobFacetSchema>;

export interface BuildRunEventInput {
  eventType: LineageEventType;
  job: { namespace: string; name: string };
  inputs?: ReadonlyArray<DatasetInput>;
  outputs?: ReadonlyArray<DatasetInput>;
  runId?: string;
  eventTime?: Date;
  parent?: { namespace: string; name: string; runId: string };
  /** Job type facet: `integration` (FLOE, DBT…) and `jobType` (JOB, DAG, TASK, MODEL…). */
  jobType?: { integration: string; jobType?: string };
  nominalTime?: { start: Date | string; end?: Date | string };
  /** Only used on FAIL events. */
  errorMessage?: string;
  stackTrace?: string;
  producer?: string;
}

function iso(value: Date | string): string {
  return typeof value === "string" ? new Date(value).toISOString() : value.toISOString();
}

/** Assembles a spec-exact RunEvent (pure apart from the clock and the random run id defaults). */
export function buildRunEvent(input: BuildRunEventInput): RunEvent {
  const producer = input.producer ?? FLOE_PRODUCER;
  const base = (schemaURL: string) => ({ _producer: producer, _schemaURL: schemaURL });
  const runFacets: Record<string, unknown> = {};
  if (input.parent) {
    runFacets.parent = {
      ...base(FACET_SCHEMA_URLS.parent),
      run: { runId: input.parent.runId },
      job: { namespace: input.parent.namespace, name: input.parent.name },
    };
  }
  if (input.nominalTime) {
    runFacets.nominalTime = {
      ...base(FACET_SCHEMA_URLS.nominalTime),
      nominalStartTime: iso(input.nominalTime.start),
      ...(input.nominalTime.end === undefined ? {} : { nominalEndTime: iso(input.nominalTime.end) }),
    };
  }
  if (input.eventType === "FAIL" && input.errorMessage !== undefined) {
    runFacets.errorMessage = {
      ...base(FACET_SCHEMA_URLS.errorMessage),
      message: input.errorMessage,
      programmingLanguage: "TypeScript",
      ...(input.stackTrace === undefined ? {} : { stackTrace: input.stackTrace }),
    };
  }
  const jobType = input.jobType ?? { integration: "FLOE", jobType: "JOB" };
  const dataset = (d: DatasetInput) => ({
    namespace: d.namespace,
    name: d.name,
    ...(d.facets && Object.keys(d.facets).length ? { facets: d.facets } : {}),
  });
  const event = {
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    producer,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    eventType: input.eventType,
    run: { runId: input.runId ?? uuidV7(), ...(Object.keys(runFacets).length ? { facets: runFacets } : {}) },
    job: {
      namespace: input.job.namespace,
      name: input.job.name,
      facets: {
        jobType: {
          ...base(FACET_SCHEMA_URLS.jobType),
          processingType: "BATCH",
          integration: jobType.integration,
          ...(jobType.jobType === undefined ? {} : { jobType: jobType.jobType }),
        },
      },
    },
    inputs: (input.inputs ?? []).map(dataset),
    outputs: (input.outputs ?? []).map(dataset),
  };
  return RunEventSchema.parse(event);
}
