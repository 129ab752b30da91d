// The kinds an upstream check reports beyond the schema changes of rules.ts, and on which side of the comparison
// each kind puts what it found. The contract is the old side and the provider's document the new side, so a
// finding reads as "changing the contract to say what the provider says would be this change".
import { type ChangeKind, type Rule, rules, type Severity } from "../rules.js";

export const upstreamRules = {
  "schema-unmapped": {
    change: "an official schema that no entry of the mapping file maps or ignores",
    severity: "safe",
    why: "it may describe a payload the contract lacks; map it to a contract schema file, or ignore it with a reason",
  },
  "schema-removed": {
    change: "a mapped official schema that the provider's document no longer has",
    severity: "breaking",
    why: "the provider no longer describes a payload the contract promises; check whether it is still sent",
  },
  "known-stale": {
    change: "a `known` entry of the mapping file that matches no difference any more",
    severity: "safe",
    why: "the difference it records is gone or has changed; update or remove the entry and its README entry",
  },
} as const satisfies Record<string, Rule>;

export type UpstreamOnlyKind = keyof typeof upstreamRules;
export type UpstreamKind = ChangeKind | UpstreamOnlyKind;

/**
 * `official`: the provider's document has something the contract lacks, or says otherwise. `contract`: the contract
 * has something the provider's document lacks (a field, a value, a bound, a promise of presence or of null).
 */
export type UpstreamSide = "official" | "contract";

const contractSide = new Set<UpstreamKind>([
  "property-removed",
  "property-optional",
  "nullable-removed",
  "enum-value-removed",
  "open-list-value-removed",
  "format-removed",
  "constraint-relaxed",
  "schema-removed",
  "known-stale",
]);

export function sideOf(kind: UpstreamKind): UpstreamSide {
  return contractSide.has(kind) ? "contract" : "official";
}

export function upstreamRule(kind: UpstreamKind): Rule {
  return kind in upstreamRules ? upstreamRules[kind as UpstreamOnlyKind] : rules[kind as ChangeKind];
}

export function isUpstreamKind(kind: string): kind is UpstreamKind {
  return kind in upstreamRules || kind in rules;
}

export const severityOfUpstream = (kind: UpstreamKind): Severity => upstreamRule(kind).severity;
