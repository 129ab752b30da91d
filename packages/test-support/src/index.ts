// Test harness shared by every package of the workspace (private, never published). See README.md.
export {
  chromiumArgs,
  chromiumOrSkip,
  defaultChromiumPaths,
  enableChromium,
  type FindChromiumOptions,
  findChromium,
  type LaunchedChromium,
  launchChromium,
} from "./chromium.js";
export { CuttableProxy } from "./cuttable-proxy.js";
export { loopbackServerForTest } from "./loopback-server.js";
export { localPostgresUrl, type PostgresRequirement, postgresOrSkip } from "./postgres.js";
export { reachable } from "./reachable.js";
export {
  decideRequirement,
  isCi,
  type Requirement,
  type RequirementDecision,
  RequirementMissingError,
  requireOrSkip,
} from "./requirement.js";
export { makeTempDir, type TempDir, tempDirForTest, withTempDir } from "./temp-dir.js";
