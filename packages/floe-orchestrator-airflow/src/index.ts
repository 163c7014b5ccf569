export { AirflowPlugin } from "./airflow-plugin.js";
export { AirflowPluginOptionsSchema, type AirflowPluginOptions, type AirflowPluginOptionsInput } from "./options.js";
export type { AirflowDagSpec, AirflowDefinitionsModel, AirflowSchedule, AirflowTaskDefaults, AirflowDbtInvocation } from "./dag-model.js";
export type { AirflowTaskSpec } from "./task-specs.js";
export { dbtShellCommand } from "./render-dag.js";
