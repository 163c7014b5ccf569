import { z } from "zod";

/** Configuration of the Dagster plugin; every field is optional and falls back to the environment or a default. */
export const DagsterPluginOptionsSchema = z
  .object({
    url: z.string().url().optional().describe("Dagster server URL for validateConnection"),
    dbtProjectDir: z.string().optional().describe("the dbt project the generated code runs"),
  })
  .strict();

export type DagsterPluginOptions = z.infer<typeof DagsterPluginOptionsSchema>;
