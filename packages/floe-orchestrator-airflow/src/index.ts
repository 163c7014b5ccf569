export { AirflowPlugin } from "./airflow-plugin.js";
export { AirflowPluginOptionsSchema, type AirflowPluginOptions } from "./options.js";
