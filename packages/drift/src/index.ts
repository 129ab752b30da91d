// @meeting-webhooks/drift: from captured deliveries to a proposed, classified change of the contracts. What the
// deliveries have that the contract does not know, the smallest schema edit that accepts every one of them, and
// what that edit means for receivers (the contract change report).
export {
  type AnalyseOptions,
  analyseCaptures,
  type Capture,
  DriftAnalyser,
  type DriftAnalysis,
  type EventDrift,
  type Finding,
  type FindingKind,
  webhookKey,
} from "./analyse.js";
export { classifyProposal } from "./classify.js";
export { type ManualStep, type Proposal, type ProposedFile, proposeChanges } from "./propose.js";
export {
  type DriftReport,
  driftJson,
  driftReport,
  formatDriftMarkdown,
  proposalPatch,
  reportOf,
  writeProposal,
} from "./report.js";
export {
  CaptureReadError,
  type CaptureReadErrorCode,
  type DatabaseOptions,
  openCaptures,
  parseCaptures,
  readCaptureFile,
  readCaptureFolder,
  readSqliteDeliveries,
} from "./sources.js";
export { isCode, typeLabel } from "./values.js";
