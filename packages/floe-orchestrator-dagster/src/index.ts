export { DagsterPlugin } from "./dagster-plugin.js";
export { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
