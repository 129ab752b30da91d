// The classification, in one place: every kind of change this tool reports, whether it breaks a receiver, and
// why. The README's rule table is checked against this list, so the two cannot drift apart.
//
// The receiver's point of view decides. A receiver was written against the old contract, so it breaks when
//   (a) the new contract lets the sender send something the old one did not (a wider type, null, a missing
//       field, a value outside a closed list, an unauthenticated delivery), or
//   (b) the new contract stops promising something a receiver may act on (a field, a documented value, an
//       event, a signature header).
// Everything else (what only narrows what the sender may send, or only documents it) is safe.

export type Severity = "breaking" | "safe";

/** Where in a delivery a change is: the webhook as a whole, its authentication, a header or the JSON body. */
export type ChangeLocation = "event" | "security" | "header" | "body";

export interface Rule {
  /** What the kind covers, in the contract's terms. */
  change: string;
  severity: Severity;
  /** One line: why this severity, from the receiver's side. */
  why: string;
}

export const rules = {
  "event-removed": {
    change: "a webhook no longer in the contract",
    severity: "breaking",
    why: "receivers that handle the event never receive it again",
  },
  "event-added": {
    change: "a new webhook",
    severity: "safe",
    why: "receivers ignore events they do not know",
  },
  "method-removed": {
    change: "a webhook no longer sent with an HTTP method",
    severity: "breaking",
    why: "deliveries stop arriving with the HTTP method routed for them",
  },
  "method-added": {
    change: "a webhook also sent with another HTTP method",
    severity: "breaking",
    why: "deliveries may arrive with an HTTP method the receiver does not route",
  },
  "body-optional": {
    change: "the request body no longer required",
    severity: "breaking",
    why: "deliveries may now come without a body",
  },
  "body-required": {
    change: "the request body now required",
    severity: "safe",
    why: "every delivery now has a body",
  },
  "content-type-removed": {
    change: "a media type of the body removed",
    severity: "breaking",
    why: "the body stops arriving in a media type the receiver parses",
  },
  "content-type-added": {
    change: "a media type of the body added",
    severity: "breaking",
    why: "the body may arrive in a media type the receiver does not parse",
  },
  "security-changed": {
    change: "an authentication alternative removed, added or redefined (scheme, header name, `{}`)",
    severity: "breaking",
    why: "a receiver verifies deliveries with the scheme it knows; another scheme, or none, fails or bypasses it",
  },
  "header-removed": {
    change: "a header removed",
    severity: "breaking",
    why: "receivers that read the header get nothing",
  },
  "header-added": {
    change: "a header added",
    severity: "safe",
    why: "receivers ignore headers they do not read",
  },
  "header-optional": {
    change: "a header no longer required",
    severity: "breaking",
    why: "the header may now be missing",
  },
  "header-required": {
    change: "a header now required",
    severity: "safe",
    why: "the header is now always sent",
  },
  "signature-header-changed": {
    change: "anything but the wording of a header a security scheme names",
    severity: "breaking",
    why: "receivers check signature headers byte for byte; any change can make authentic deliveries fail",
  },
  "property-removed": {
    change: "a field removed from `properties`",
    severity: "breaking",
    why: "receivers that read the field get undefined",
  },
  "property-added": {
    change: "a field added to `properties`, optional or required",
    severity: "safe",
    why: "unknown properties are allowed, so receivers already ignore it (required or not)",
  },
  "property-optional": {
    change: "a field removed from `required`",
    severity: "breaking",
    why: "the field may now be missing",
  },
  "property-required": {
    change: "an existing field added to `required`",
    severity: "safe",
    why: "the field is now always sent",
  },
  "nullable-added": {
    change: "`null` allowed (type array, anyOf branch or `nullable`)",
    severity: "breaking",
    why: "the field may now be null",
  },
  "nullable-removed": {
    change: "`null` no longer allowed",
    severity: "safe",
    why: "null is no longer sent; handling it is dead code, not an error",
  },
  "type-changed": {
    change: "types added and removed (integer → string)",
    severity: "breaking",
    why: "the sender sends values of another type",
  },
  "type-widened": {
    change: "types added only (integer → number, string → string or integer)",
    severity: "breaking",
    why: "the sender may send values of a type it did not send before",
  },
  "type-narrowed": {
    change: "types removed only (number → integer)",
    severity: "breaking",
    why: "code generated from the old contract (types, validators, parsers) no longer matches what is sent",
  },
  "const-changed": {
    change: "a `const` (or one-value enum) changed",
    severity: "breaking",
    why: "receivers that match the old value never see it again",
  },
  "enum-value-added": {
    change: "a value added to a closed `enum`",
    severity: "breaking",
    why: "exhaustive switches and strict validators reject the new value",
  },
  "enum-value-removed": {
    change: "a value removed from a closed `enum`",
    severity: "breaking",
    why: "receivers that act on the value never see it again",
  },
  "list-opened": {
    change: "a closed list turned into an open one",
    severity: "breaking",
    why: "exhaustive switches and strict validators reject values outside the old list",
  },
  "list-closed": {
    change: "an open list (or a plain string) turned into a closed one",
    severity: "safe",
    why: "the list no longer grows; values outside it are not sent",
  },
  "open-list-value-added": {
    change: "a known value added to an open list",
    severity: "safe",
    why: "open lists already accept unknown values",
  },
  "open-list-value-removed": {
    change: "a known value removed from an open list",
    severity: "breaking",
    why: "receivers that act on the value never see it again",
  },
  "format-changed": {
    change: "`format` changed (uuid → uri)",
    severity: "breaking",
    why: "values come in another format than the receiver parses",
  },
  "format-removed": {
    change: "`format` removed",
    severity: "breaking",
    why: "values may come in any format",
  },
  "format-added": {
    change: "`format` added",
    severity: "safe",
    why: "values are now promised in a format they were allowed to have",
  },
  "format-narrowed": {
    change: "fewer alternative formats (date-time or date → date-time)",
    severity: "safe",
    why: "fewer formats are sent, all of them known",
  },
  "constraint-relaxed": {
    change:
      "a bound lowered or removed (minimum, maxLength, minItems, pattern, `additionalProperties: false`…)",
    severity: "breaking",
    why: "values outside the old bounds (length, range, pattern, items, properties) may be sent",
  },
  "constraint-tightened": {
    change: "a bound raised or added",
    severity: "safe",
    why: "every value sent was already allowed",
  },
  "constraint-changed": {
    change: "a `pattern` or `multipleOf` replaced by one that is not stricter",
    severity: "breaking",
    why: "values the old constraint refused may be sent (a changed pattern or multipleOf)",
  },
  "keyword-changed": {
    change: "any other keyword (`not`, `if`, `patternProperties`…)",
    severity: "breaking",
    why: "this tool does not model the keyword, so it cannot prove the change safe",
  },
  "docs-changed": {
    change: "description, title, summary, examples, operationId, tags, `x-` extensions",
    severity: "safe",
    why: "descriptions, titles, summaries, examples and operation ids do not change what is sent",
  },
} as const satisfies Record<string, Rule>;

export type ChangeKind = keyof typeof rules;

/** The severity of a kind of change; fixed per kind, so the same change is always classified the same way. */
export function severityOf(kind: ChangeKind): Severity {
  return rules[kind].severity;
}
