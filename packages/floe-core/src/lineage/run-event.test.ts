import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildRunEvent,
  ErrorMessageRunFacetSchema,
  FACET_SCHEMA_URLS,
  FLOE_PRODUCER,
  JobTypeJobFacetSchema,
  NominalTimeRunFacetSchema,
  ParentRunFacetSchema,
  RUN_EVENT_SCHEMA_URL,
  RunEventSchema,
} from "./run-event.js";
import { loadSpecValidator, openLineageSpecDir } from "floe-test-utils/openlineage-spec";
import { uuidV7 } from "./uuid-v7.js";

const spec = loadSpecValidator();

const sample = () => [
  buildRunEvent({ eventType: "START", job: { namespace: "shop", name: "daily" } }),
  buildRunEvent({
    eventType: "COMPLETE",
    job: { namespace: "shop", name: "daily.orders" },
    runId: uuidV7(),
    inputs: [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.raw_orders" }],
    outputs: [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.orders" }],
    parent: { namespace: "shop", name: "daily", runId: uuidV7() },
    jobType: { integration: "DBT", jobType: "MODEL" },
    nominalTime: { start: "2026-01-01T00:00:00Z", end: new Date("2026-01-02T00:00:00Z") },
  }),
  buildRunEvent({
    eventType: "FAIL",
    job: { namespace: "shop", name: "daily" },
    errorMessage: 'model "orders" failed:\nDivision by zero',
    stackTrace: "at run (x.ts:1)",
  }),
];

describe("RunEvent", () => {
  it("validates with ajv against the spec's OpenLineage.json and each facet's own schema", () => {
    for (const event of sample()) expect(spec.validateRunEvent(event)).toEqual([]);
  });

  it("is refused by the spec when broken, so the validation above has teeth", () => {
    const [event] = sample();
    const broken = { ...event, run: { runId: "not-a-uuid" }, eventTime: "yesterday" };
    expect(spec.validateRunEvent(broken).length).toBeGreaterThan(0);
    const badFacet = sample()[2]!;
    delete (badFacet.run.facets!.errorMessage as Record<string, unknown>).programmingLanguage;
    expect(spec.validateRunEvent(badFacet).join()).toMatch(/programmingLanguage/);
  });

  it("carries schemaURL 2-0-2, a producer naming floe-core and its version, and a UUIDv7 run id", () => {
    const event = sample()[0]!;
    expect(event.schemaURL).toBe(RUN_EVENT_SCHEMA_URL);
    expect(RUN_EVENT_SCHEMA_URL).toBe("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent");
    expect(event.producer).toMatch(/floe-core\/v\/\d+\.\d+\.\d+/);
    expect(event.run.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.job.facets?.jobType).toMatchObject({ processingType: "BATCH", integration: "FLOE", _producer: FLOE_PRODUCER });
  });

  it("adds the error message facet on FAIL only", () => {
    const [, complete, fail] = sample();
    expect(complete!.run.facets?.errorMessage).toBeUndefined();
    expect(fail!.run.facets?.errorMessage).toMatchObject({ message: 'model "orders" failed:\nDivision by zero' });
    const notFail = buildRunEvent({ eventType: "COMPLETE", job: { namespace: "a", name: "b" }, errorMessage: "x" });
    expect(notFail.run.facets).toBeUndefined();
  });

  it("points every facet _schemaURL at a facet schema of the spec by its $id", () => {
    const byName = {
      parent: "ParentRunFacet",
      nominalTime: "NominalTimeRunFacet",
      errorMessage: "ErrorMessageRunFacet",
      jobType: "JobTypeJobFacet",
    };
    for (const [key, name] of Object.entries(byName)) {
      const url = FACET_SCHEMA_URLS[key as keyof typeof FACET_SCHEMA_URLS];
      expect(url).toBe(`${spec.facets.get(name)!.id}#/$defs/${name}`);
    }
  });

  it("round-trips through its zod schema", () => {
    for (const event of sample()) expect(RunEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });
});

describe("the spec's test vectors parse with our zod facet schemas", () => {
  const modelled = {
    ParentRunFacet: { key: "parent", schema: ParentRunFacetSchema },
    NominalTimeRunFacet: { key: "nominalTime", schema: NominalTimeRunFacetSchema },
    ErrorMessageRunFacet: { key: "errorMessage", schema: ErrorMessageRunFacetSchema },
    JobTypeJobFacet: { key: "jobType", schema: JobTypeJobFacetSchema },
  } as const;
  const testsDir = path.join(openLineageSpecDir(), "tests");
  for (const [facet, { key, schema }] of Object.entries(modelled)) {
    const files = fs.readdirSync(path.join(testsDir, facet)).filter((f) => f.endsWith(".json"));
    it(`${facet} (${files.length} vectors)`, () => {
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const vector = JSON.parse(fs.readFileSync(path.join(testsDir, facet, file), "utf8")) as Record<string, unknown>;
        const result = schema.safeParse(vector[key]);
        expect(result.success, `${facet}/${file}: ${result.error?.message}`).toBe(true);
      }
    });
  }
});
