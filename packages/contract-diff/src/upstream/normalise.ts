// The differences between the provider's document and the contract that the contract's conventions already state
// (specs/README.md, "Conventions"), so that they are not reported again at every field. Two steps:
//
// 1. `normaliseOfficial` rewrites an official schema (already resolved) into the contract's spelling:
//    - `$schema` and `$id` are dropped: a schema's identity is its file in the contract, not an id (the official
//      file even gives two schemas one `$id`).
//    - `additionalProperties: false` is dropped: the contract allows unknown properties everywhere. So are
//      `additionalProperties: {}` and `propertyNames: {type: string}`, which allow what leaving them out allows.
//    - the `Z`-only date-time pattern becomes `format: date-time`, and the UUID pattern `format: uuid`: the
//      contract accepts any RFC 3339 offset and says "uuid" with the format alone.
//    - the ±(2^53 − 1) bounds of integers are dropped: they mark a JavaScript safe integer (the provider's schema
//      generator writes them on every integer), not a bound of the provider's values.
//    - alternatives that are all objects (the Zoom and Meet/Teams diarization segments) become one object with
//      every property of any alternative, required when every alternative requires it: the contract's one object
//      with optional `user_id` and `lang`.
// 2. `isConvention` drops a change that only says what the conventions say:
//    - documentation (descriptions, titles, examples, `x-` keys): `docs-changed`.
//    - a closed `enum` where the contract keeps an open list (`anyOf: [{enum}, {type: string}]`): `list-closed`.
//      Provider-controlled values get added, so the contract accepts new ones; the values themselves are still
//      compared (`open-list-value-added`, `open-list-value-removed`).
//    - a plain string where the contract keeps an open list: the contract's known values come from the provider's
//      pages (error codes, the `listBots` status filter), which the official schema does not list, so
//      `open-list-value-removed` is no disagreement there.
import { canonical } from "../canonical.js";
import { branchesOf, facetsOf, isObject, type Schema, valuesOf } from "../facets.js";
import { pointerTokens } from "../pointer.js";
import type { SchemaChange } from "../schema-diff.js";

type Json = Record<string, unknown>;

/** The date-time pattern of the provider's schemas (its generator's): an RFC 3339 time that ends in `Z` only. */
export const zuluDateTimePattern = String.raw`^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$`;

/** The UUID pattern of the provider's schemas: versions 1 to 8, the nil and the max UUID. */
export const uuidPattern =
  "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$";

const formatOfPattern = new Map([
  [zuluDateTimePattern, "date-time"],
  [uuidPattern, "uuid"],
]);

const isObjectSchema = (schema: unknown): schema is Json => isObject(schema) && schema.type === "object";

/** One object for alternatives that are all objects: every property, required when every alternative requires it. */
function mergeObjects(alternatives: Json[]): Json {
  const properties: Json = {};
  for (const alternative of alternatives) {
    for (const [name, schema] of Object.entries(
      isObject(alternative.properties) ? alternative.properties : {},
    )) {
      const seen = properties[name];
      properties[name] =
        seen === undefined || canonical(seen) === canonical(schema) ? schema : { anyOf: [seen, schema] };
    }
  }
  const requiredBy = (alternative: Json) =>
    new Set(Array.isArray(alternative.required) ? alternative.required : []);
  const [first, ...rest] = alternatives.map(requiredBy);
  const required = [...(first ?? [])].filter((name) => rest.every((names) => names.has(name)));
  return { type: "object", properties, required };
}

/** Rewrites one node in place (its children are already normalised). */
function rewrite(node: Json): void {
  delete node.$schema;
  delete node.$id;
  if (node.additionalProperties === false || node.additionalProperties === true)
    delete node.additionalProperties;
  if (isObject(node.additionalProperties) && Object.keys(node.additionalProperties).length === 0) {
    delete node.additionalProperties;
  }
  if (isObject(node.propertyNames) && canonical(node.propertyNames) === canonical({ type: "string" })) {
    delete node.propertyNames;
  }
  const format = typeof node.pattern === "string" ? formatOfPattern.get(node.pattern) : undefined;
  if (format) {
    delete node.pattern;
    node.format = format;
  }
  if (node.type === "integer") {
    if (node.minimum === -Number.MAX_SAFE_INTEGER) delete node.minimum;
    if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const alternatives = node[key];
    if (Array.isArray(alternatives) && alternatives.length > 1 && alternatives.every(isObjectSchema)) {
      delete node[key];
      Object.assign(node, mergeObjects(alternatives));
    }
  }
}

/** Keywords whose value is a schema, a list of schemas, or a map of names to schemas. */
const schemaKeywords = new Set([
  "items",
  "additionalProperties",
  "propertyNames",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
const schemaListKeywords = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
const schemaMapKeywords = new Set([
  "properties",
  "patternProperties",
  "dependentSchemas",
  "$defs",
  "definitions",
]);

/**
 * The official schema in the contract's spelling (see the top of this file). Only schema keywords are walked, so a
 * property that happens to be named `$id` or `pattern` is left alone. `seen` is shared across the schemas of one
 * document, so a schema referenced twice is normalised once and a cycle stays a cycle.
 */
export function normaliseOfficial(schema: Schema, seen: WeakMap<object, Json> = new WeakMap()): Schema {
  if (!isObject(schema)) return schema;
  const done = seen.get(schema);
  if (done) return done;
  const out: Json = {};
  seen.set(schema, out);
  const walk = (value: unknown) => normaliseOfficial(value, seen);
  for (const [key, value] of Object.entries(schema)) {
    if (schemaKeywords.has(key)) out[key] = Array.isArray(value) ? value.map(walk) : walk(value);
    else if (schemaListKeywords.has(key) && Array.isArray(value)) out[key] = value.map(walk);
    else if (schemaMapKeywords.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, walk(child)]));
    } else out[key] = value;
  }
  rewrite(out);
  return out;
}

/** The schemas that describe the value at a payload pointer (`/data/status/code`, `*` for every item). */
export function schemasAt(schema: Schema, path: string): Schema[] {
  let current: Schema[] = [schema];
  for (const token of pointerTokens(path)) {
    current = current
      .flatMap((node) => branchesOf(node))
      .flatMap((branch) => {
        if (token === "*") {
          if (branch.items !== undefined) return [branch.items];
          return isObject(branch.additionalProperties) ? [branch.additionalProperties] : [];
        }
        const properties = isObject(branch.properties) ? branch.properties : {};
        return Object.hasOwn(properties, token) ? [properties[token]] : [];
      });
  }
  return current;
}

/** The string values listed at a payload pointer: none, an open list's known values, or a closed list. */
function listedStrings(schema: Schema, path: string): { closed: boolean; count: number } {
  const branches = schemasAt(schema, path).flatMap((node) => branchesOf(node));
  const strings = facetsOf(branches).byBucket.get("string");
  if (!strings) return { closed: false, count: 0 };
  const values = valuesOf(strings, "string");
  return values.closed
    ? { closed: true, count: values.closed.size }
    : { closed: false, count: values.known.size };
}

/** Whether a change between the contract (old) and the normalised official schema (new) is only a convention. */
export function isConvention(change: SchemaChange, contract: Schema, official: Schema): boolean {
  switch (change.kind) {
    case "docs-changed":
      return true;
    case "list-closed": {
      const ours = listedStrings(contract, change.path);
      return !ours.closed && ours.count > 0;
    }
    case "open-list-value-removed": {
      const theirs = listedStrings(official, change.path);
      return !theirs.closed && theirs.count === 0;
    }
    default:
      return false;
  }
}
