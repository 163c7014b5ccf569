import { z } from "zod";

/** Configuration of the Dagster plugin; every field is optional and falls back to the environment or a default. */
export const DagsterPluginOptionsSchema = z
  .object({
    url: z
      .string()
      .url()
      .optional()
      .describe("Dagster webserver URL for validateConnection and run control (else DAGSTER_URL, else http://localhost:3000)"),
    dbtProjectDir: z
      .string()
      .optional()
      .describe(
        "the dbt project the generated code runs: absolute, or relative to the generated files (FLOE_DBT_PROJECT_DIR overrides it at run time)",
      ),
    lineage: z
      .object({
        url: z.string().optional(),
        apiKey: z.string().optional(),
        namespace: z.string().optional(),
        transport: z.enum(["http", "console", "noop"]).optional(),
        disabled: z.boolean().optional(),
      })
      .strict()
      .optional()
      .describe("OpenLineage settings for emitLineageEvent (OPENLINEAGE_* variables fill what is not set)"),
  })
  .strict();

export type DagsterPluginOptions = z.infer<typeof DagsterPluginOptionsSchema>;
