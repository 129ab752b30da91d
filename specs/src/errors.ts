// Validation errors as a receiver can act on them: the JSON pointer of the offending field, what was wrong, and
// what the contract expected there.
import type { ErrorObject } from "ajv/dist/2020.js";

export interface SchemaIssue {
  /** JSON pointer (RFC 6901) of the offending value; for a missing property, where it should have been. */
  pointer: string;
  /** The JSON Schema keyword that failed: `required`, `type`, `format`, `const`, … */
  keyword: string;
  message: string;
  /** What the contract expected there, e.g. `string (format uuid)` or `property "sent_at"`. */
  expected: string;
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function expectedOf(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `property "${String(p.missingProperty)}"`;
    case "type":
      return String(p.type);
    case "format":
      return `string in format ${String(p.format)}`;
    case "const":
      return JSON.stringify(p.allowedValue);
    case "enum":
      return `one of ${JSON.stringify(p.allowedValues)}`;
    case "pattern":
      return `string matching ${String(p.pattern)}`;
    case "minimum":
    case "maximum":
      return `number ${String(p.comparison)} ${String(p.limit)}`;
    case "minItems":
      return `at least ${String(p.limit)} item(s)`;
    case "minLength":
      return `at least ${String(p.limit)} character(s)`;
    case "contains":
      return `an item matching ${error.schemaPath.replace(/^.*#/, "#")}`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * Turns Ajv's errors into issues, one per offending field. Branch errors of `anyOf` (an open list, a nullable
 * union) are folded into the `anyOf` error, which is the one a person can act on.
 */
export function schemaIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  if (!errors) return [];
  const anyOfPaths = new Set(
    errors.filter((e) => e.keyword === "anyOf").map((e) => e.schemaPath.replace(/\/anyOf$/, "/anyOf/")),
  );
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if ([...anyOfPaths].some((prefix) => error.schemaPath.includes(prefix))) continue;
    const pointer =
      error.keyword === "required"
        ? `${error.instancePath}/${escapePointerToken(String((error.params as Record<string, unknown>).missingProperty))}`
        : error.instancePath;
    const expected = error.keyword === "anyOf" ? describeAnyOf(error) : expectedOf(error);
    const key = `${pointer} ${error.keyword} ${expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      pointer: pointer || "/",
      keyword: error.keyword,
      message: error.message ?? error.keyword,
      expected,
    });
  }
  return issues;
}

function describeAnyOf(error: ErrorObject): string {
  const branches = (error.schema as Array<Record<string, unknown>> | undefined) ?? [];
  const parts = branches.map((b) => {
    const type = Array.isArray(b.type) ? b.type.join(" or ") : String(b.type ?? "value");
    return b.format ? `${type} in format ${String(b.format)}` : type;
  });
  return [...new Set(parts)].join(" or ");
}
