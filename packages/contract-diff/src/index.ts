// @meeting-webhooks/contract-diff: compare two versions of a webhook contract and say, change by change, whether
// it breaks the receivers of the payloads.
export { type ContractChange, type ContractDiff, diffContracts, diffSpecs } from "./contract-diff.js";
export { ContractLoadError, type ContractLoadErrorCode } from "./errors.js";
export { type LoadedContract, type LoadOptions, loadContract } from "./load.js";
export { formatMarkdown, type MarkdownOptions, summaryLine } from "./markdown.js";
export {
  type ChangeKind,
  type ChangeLocation,
  type Rule,
  rules,
  type Severity,
  severityOf,
} from "./rules.js";
export { diffSchema, type SchemaChange } from "./schema-diff.js";
export { describeSource, parseSpecSource, type SpecSource } from "./source.js";
export * from "./upstream/index.js";
