export { DagsterPlugin } from "./dagster-plugin.js";
export { DagsterPluginOptionsSchema, type DagsterPluginOptions } from "./options.js";
export type { DagsterAssetSpec } from "./asset-specs.js";
export type { DagsterDefinitionsModel, DagsterJob, DagsterSchedule } from "./definitions-model.js";
export { dagsterPackageName } from "./dagster-names.js";
