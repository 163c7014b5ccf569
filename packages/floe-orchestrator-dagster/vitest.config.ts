import { packageVitestConfig } from "../test-utils/src/vitest-package.js";

// The config the three packages share (floe-core's sources through an alias; unit and e2e projects): see there.
export default packageVitestConfig();
