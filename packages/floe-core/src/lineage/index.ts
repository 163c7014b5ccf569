// floe-core/lineage: OpenLineage run events, their HTTP transport and spool, dataset naming, model lineage.
export { emitLineage, resolveLineageSettings, createLineageClient } from "./emit-lineage.js";
export type { LineageSettings, LineageClient, EmitLineageCallOptions } from "./emit-lineage.js";
export { modelLineage, modelLineagePairs, sourceDataset, shareableLineageEndpoint } from "./model-lineage.js";
export type { ModelLineage } from "./model-lineage.js";
export {
  OPENLINEAGE_SPEC_URL,
  RUN_EVENT_SCHEMA_URL,
  FLOE_PRODUCER,
  RunEventSchema,
  buildRunEvent,
} from "./run-event.js";
export type { RunEvent, ParentRunFacet, JobTypeJobFacet, BuildRunEventInput } from "./run-event.js";
export { uuidV7, isUuid, uuidV7Time } from "./uuid-v7.js";
export { DEFAULT_LINEAGE_ENDPOINT, HttpTransport, lineageEndpointUrl } from "./http-transport.js";
export type { HttpTransportOptions, SendResult } from "./http-transport.js";
export { defaultSpoolDir, flushSpool, SpoolWriter } from "./spool.js";
export type { FlushReport } from "./spool.js";
export { OPENLINEAGE_API_PATH, lineageBaseUrl } from "./lineage-endpoint.js";
export { warehouseDataset, modelDataset, profileModelDataset, activeWarehouseProfile } from "./dataset-naming.js";
export type { DatasetName, WarehouseProfile } from "./dataset-naming.js";
