import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** floe-core's own version, read from its package.json (for commands that record it). */
export const FLOE_CORE_VERSION: string = (require("../../package.json") as { version: string }).version;
