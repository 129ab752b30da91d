// Validation errors as a receiver can act on them: the JSON pointer of the offending field, what was wrong, and
// what the contract expected there.
/** The fields of an Ajv error that issues are made from; Ajv's standalone validators produce the same shape. */
export interface ValidationError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

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

function expectedOf(error: ValidationError): string {
  const p = error.params;
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
 * union) are folded into the `anyOf` error, which is the one a person can act on; the branches say what it expected.
 */
export function schemaIssues(errors: readonly ValidationError[] | null | undefined): SchemaIssue[] {
  if (!errors) return [];
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const branchesOf = new Map<ValidationError, ValidationError[]>(anyOfs.map((e) => [e, []]));
  const ownerOf = (error: ValidationError) =>
    anyOfs.find(
      (a) =>
        a !== error &&
        error.schemaPath.startsWith(`${a.schemaPath}/`) &&
        (error.instancePath === a.instancePath || error.instancePath.startsWith(`${a.instancePath}/`)),
    );
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const kept: ValidationError[] = [];
  for (const error of errors) {
    // An `if` error only says "the then-branch failed"; the branch's own errors say where and why.
    if (error.keyword === "if") continue;
    const owner = ownerOf(error);
    if (owner) branchesOf.get(owner)?.push(error);
    else kept.push(error);
  }
  for (const error of kept) {
    const pointer =
      error.keyword === "required"
        ? `${error.instancePath}/${escapePointerToken(String(error.params.missingProperty))}`
        : error.instancePath;
    const expected =
      error.keyword === "anyOf" ? describeBranches(error, branchesOf.get(error) ?? []) : expectedOf(error);
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

/** What an `anyOf` accepted, read from the errors of its branches: `string in format uri or null`. */
function describeBranches(anyOf: ValidationError, branchErrors: readonly ValidationError[]): string {
  const byBranch = new Map<string, ValidationError[]>();
  for (const error of branchErrors) {
    const branch = error.schemaPath.slice(anyOf.schemaPath.length + 1).split("/")[0] ?? "";
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), error]);
  }
  const parts = [...byBranch.values()].map((errs) => {
    const type = errs.find((e) => e.keyword === "type");
    const format = errs.find((e) => e.keyword === "format");
    const other = errs.find((e) => e !== type && e !== format);
    if (format) return `string in format ${String(format.params.format)}`;
    if (type) return String(type.params.type);
    return other ? expectedOf(other) : "value";
  });
  return [...new Set(parts)].join(" or ") || "a matching value";
}
