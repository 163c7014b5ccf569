import { z } from "zod";

const seconds = (what: string) => z.number().int().positive().describe(what);

/** Configuration of the Airflow plugin; every field is optional and falls back to the environment or a default. */
export const AirflowPluginOptionsSchema = z
  .object({
    url: z
      .string()
      .url()
      .optional()
      .describe("Airflow API server URL for validateConnection and run control (else AIRFLOW_URL, else http://localhost:8080)"),
    username: z.string().min(1).optional().describe("user for POST /auth/token (else AIRFLOW_USERNAME)"),
    password: z.string().optional().describe("password for POST /auth/token (else AIRFLOW_PASSWORD); never written or logged"),
    token: z
      .string()
      .min(1)
      .optional()
      .describe("API token for run control (else AIRFLOW_API_TOKEN; else a JWT for username/password); never written or logged"),
    dbtProjectDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "the dbt project the generated tasks run: absolute, or relative to the DAG files, where FLOE_DBT_PROJECT_DIR on the worker overrides it (unset: DBT_PROJECT_DIR on the worker)",
      ),
    dbtProfilesDir: z.string().min(1).optional().describe("directory holding profiles.yml (else DBT_PROFILES_DIR on the worker)"),
    dbtTarget: z.string().min(1).optional().describe("dbt target (else DBT_TARGET on the worker, else the profile's default)"),
    dbtExecutable: z.string().min(1).default("dbt").describe("the dbt executable tasks run (a name on PATH or an absolute path)"),
    dbtCommand: z
      .enum(["build", "run"])
      .default("build")
      .describe("`dbt build` per task (the model or seed, then its tests) or `dbt run` (models only: seeds are not loaded)"),
    executionMode: z
      .enum(["build", "per_model"])
      .default("build")
      .describe(
        "build: one dbt invocation builds the job's selection (a `dbt_build` task) and each model's task reports its result, log lines and timing; per_model: each model's task runs its own dbt process",
      ),
    owner: z.string().min(1).default("floe").describe("Airflow owner of every task"),
    retries: z.number().int().min(0).max(100).default(2).describe("retries per task"),
    retryDelaySeconds: seconds("delay before the first retry").default(60),
    retryExponentialBackoff: z.number().min(0).max(10).default(2).describe("delay multiplier between retries (0 = constant delay)"),
    maxRetryDelaySeconds: seconds("longest delay between retries").default(1800),
    executionTimeoutSeconds: seconds("a task running longer than this fails").default(3600),
    retryTestFailures: z
      .boolean()
      .default(false)
      .describe(
        "retry a task whose model built but whose data tests failed (default false: such a task fails at once; a model's meta floe retry_test_failures overrides it)",
      ),
    tags: z.array(z.string().min(1).max(100)).default([]).describe("extra DAG tags"),
  })
  .strict();

export type AirflowPluginOptions = z.infer<typeof AirflowPluginOptionsSchema>;
export type AirflowPluginOptionsInput = z.input<typeof AirflowPluginOptionsSchema>;
