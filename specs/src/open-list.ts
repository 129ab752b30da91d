// Open lists: a string enum of the values known today beside a plain string, so new values stay valid. Generators
// recognise them to type them as `"known" | (string & {})` and to flag unknown values as drift.

type Json = Record<string, unknown>;

/** The known values of an open list, or undefined when the schema is not one. */
export function openListValues(schema: Json): { values: string[]; nullable: boolean } | undefined {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length < 2) return undefined;
  const enumBranch = branches.find((b: Json) => b.type === "string" && Array.isArray(b.enum));
  const openBranch = branches.find(
    (b: Json) => b.type === "string" && b.enum === undefined && b.const === undefined,
  );
  const nullBranch = branches.find((b: Json) => b.type === "null");
  if (!enumBranch || !openBranch || branches.length !== 2 + (nullBranch ? 1 : 0)) return undefined;
  return { values: (enumBranch.enum as unknown[]).map(String), nullable: Boolean(nullBranch) };
}
