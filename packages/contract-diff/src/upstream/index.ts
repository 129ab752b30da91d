// The upstream check: the contract against the provider's own machine-readable document. See README.md,
// "Upstream check".
export {
  type CheckUpstreamOptions,
  type CompareUpstreamInput,
  checkUpstream,
  compareUpstream,
  type UpstreamReport,
} from "./compare.js";
export {
  parseUpstreamDocument,
  type ReadDocumentOptions,
  readUpstreamDocument,
  type UpstreamDocument,
  upstreamDocumentOf,
} from "./document.js";
export { UpstreamError, type UpstreamErrorCode } from "./errors.js";
export type { KnownDifference, UpstreamFinding } from "./findings.js";
export {
  type IgnoredEntry,
  type KnownEntry,
  type MappedEntry,
  matchesName,
  parseUpstreamMapping,
  readUpstreamMapping,
  type UpstreamMapping,
} from "./mapping.js";
export { formatUpstreamMarkdown, type UpstreamMarkdownOptions, upstreamSummaryLine } from "./markdown.js";
export { normaliseOfficial, uuidPattern, zuluDateTimePattern } from "./normalise.js";
export { type UpstreamKind, type UpstreamSide, upstreamRules } from "./rules.js";
