import { z } from "zod";

/** Configuration of the Airflow plugin; every field is optional and falls back to the environment or a default. */
export const AirflowPluginOptionsSchema = z
  .object({
    url: z.string().url().optional().describe("Airflow server URL for validateConnection"),
    dbtProjectDir: z.string().optional().describe("the dbt project the generated code runs"),
  })
  .strict();

export type AirflowPluginOptions = z.infer<typeof AirflowPluginOptionsSchema>;
