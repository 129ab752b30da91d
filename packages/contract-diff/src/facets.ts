// Normalises a JSON Schema into what a receiver can be sent, per JSON type. anyOf/oneOf become alternatives and
// allOf is merged into each of them; the alternatives are then grouped by the JSON type they allow, so that
// `type: [string, "null"]`, `anyOf: [{type: string}, {type: "null"}]` and a `$ref` to either read the same.
// Within a type, an open list (`anyOf: [{enum: [...]}, {type: string}]`) is a set of known values plus a free
// branch; a closed list is values only.
import { canonical } from "./canonical.js";

export type Schema = unknown;
export type Branch = Record<string, unknown>;
export type Bucket = "null" | "boolean" | "number" | "string" | "array" | "object";

const buckets: readonly Bucket[] = ["null", "boolean", "number", "string", "array", "object"];

/** Keywords that document a value without constraining it. */
const docKeywords = new Set([
  "title",
  "description",
  "summary",
  "examples",
  "example",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "externalDocs",
  "xml",
  "discriminator",
  "$schema",
  "$id",
  "$anchor",
]);

export const isDocKeyword = (key: string) => docKeywords.has(key) || key.startsWith("x-");

/** Keywords this tool understands; any other keyword that changes is reported as `keyword-changed`. */
const modeledKeywords = new Set([
  "type",
  "nullable",
  "enum",
  "const",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "properties",
  "required",
  "additionalProperties",
  "anyOf",
  "oneOf",
  "allOf",
]);

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const bucketOfType = (type: string): Bucket | undefined =>
  type === "integer"
    ? "number"
    : (buckets as readonly string[]).includes(type)
      ? (type as Bucket)
      : undefined;

/** The alternatives a schema allows, each without anyOf/oneOf/allOf. `false` allows nothing: no branch. */
export function branchesOf(schema: Schema, stack: Set<object> = new Set()): Branch[] {
  if (schema === false) return [];
  if (!isObject(schema)) return [{}];
  // A schema that contains itself through anyOf/allOf constrains nothing more on the way round.
  if (stack.has(schema)) return [{}];
  stack.add(schema);
  try {
    const { anyOf, oneOf, allOf, ...base } = schema;
    let result: Branch[] = [base];
    if (Array.isArray(allOf)) for (const part of allOf) result = cross(result, branchesOf(part, stack));
    for (const alternatives of [anyOf, oneOf]) {
      if (Array.isArray(alternatives)) {
        result = cross(
          result,
          alternatives.flatMap((alternative) => branchesOf(alternative, stack)),
        );
      }
    }
    return result;
  } finally {
    stack.delete(schema);
  }
}

function cross(left: Branch[], right: Branch[]): Branch[] {
  return left.flatMap((a) => right.map((b) => intersect(a, b)));
}

function typeList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === "string");
  return undefined;
}

/** Both schemas at once (allOf), approximated keyword by keyword. */
function intersect(a: Branch, b: Branch): Branch {
  const out: Branch = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (!(key in out)) {
      out[key] = value;
      continue;
    }
    const mine = out[key];
    if (mine === value || isDocKeyword(key)) continue;
    switch (key) {
      case "type": {
        const left = typeList(mine) ?? [];
        const right = typeList(value) ?? [];
        const both = left.filter((t) => right.includes(t) || (t === "integer" && right.includes("number")));
        for (const t of right)
          if (t === "integer" && left.includes("number") && !both.includes(t)) both.push(t);
        out.type = both;
        break;
      }
      case "required":
        out.required = [
          ...new Set([...(Array.isArray(mine) ? mine : []), ...(Array.isArray(value) ? value : [])]),
        ];
        break;
      case "properties": {
        const merged: Branch = { ...(isObject(mine) ? mine : {}) };
        for (const [name, schema] of Object.entries(isObject(value) ? value : {})) {
          merged[name] =
            name in merged && merged[name] !== schema ? { allOf: [merged[name], schema] } : schema;
        }
        out.properties = merged;
        break;
      }
      case "enum": {
        const allowed = new Set((Array.isArray(value) ? value : []).map(canonical));
        out.enum = (Array.isArray(mine) ? mine : []).filter((v) => allowed.has(canonical(v)));
        break;
      }
      case "minimum":
      case "exclusiveMinimum":
      case "minLength":
      case "minItems":
        out[key] = typeof mine === "number" && typeof value === "number" ? Math.max(mine, value) : value;
        break;
      case "maximum":
      case "exclusiveMaximum":
      case "maxLength":
      case "maxItems":
        out[key] = typeof mine === "number" && typeof value === "number" ? Math.min(mine, value) : value;
        break;
      case "additionalProperties":
        out[key] = mine === false || value === false ? false : { allOf: [mine, value] };
        break;
      case "items":
        out[key] = { allOf: [mine, value] };
        break;
      default:
        if (canonical(mine) !== canonical(value)) out[key] = value;
    }
  }
  return out;
}

/** The JSON types a branch allows; `integer` stays distinct so that number → integer reads as a narrowing. */
function typesOf(branch: Branch): string[] {
  let types = typeList(branch.type);
  if (types === undefined) {
    if ("const" in branch) types = [jsonTypeOf(branch.const)];
    else if (Array.isArray(branch.enum)) types = [...new Set(branch.enum.map(jsonTypeOf))];
    else types = [...buckets];
  }
  if (branch.nullable === true && !types.includes("null")) types = [...types, "null"];
  return types;
}

export interface Facets {
  byBucket: Map<Bucket, Branch[]>;
  /** Every branch allowing numbers allows integers only. */
  integerOnly: boolean;
}

export function facetsOf(branches: Branch[]): Facets {
  const byBucket = new Map<Bucket, Branch[]>();
  let integerOnly = true;
  for (const branch of branches) {
    const types = typesOf(branch);
    const seen = new Set<Bucket>();
    for (const type of types) {
      const bucket = bucketOfType(type);
      if (bucket === undefined || seen.has(bucket)) continue;
      seen.add(bucket);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), branch]);
    }
    if (seen.has("number") && types.includes("number")) integerOnly = false;
  }
  return { byBucket, integerOnly };
}

/** Type names for messages and comparison: `integer` or `number`, and `any` when nothing constrains the type. */
export function typeNames(facets: Facets): string[] {
  return buckets
    .filter((bucket) => facets.byBucket.has(bucket))
    .map((bucket) => (bucket === "number" && facets.integerOnly ? "integer" : bucket));
}

export interface Values {
  /** The only values allowed (a closed list or a const), by canonical text; undefined when other values are. */
  closed?: Map<string, unknown>;
  /** Values documented in an open list. */
  known: Map<string, unknown>;
  /** Branches that allow values beyond a list, with their constraints. */
  free: Branch[];
}

export function valuesOf(branches: Branch[], bucket: Bucket): Values {
  const listed = new Map<string, unknown>();
  const free: Branch[] = [];
  for (const branch of branches) {
    const values = "const" in branch ? [branch.const] : Array.isArray(branch.enum) ? branch.enum : undefined;
    if (values === undefined) {
      free.push(branch);
      continue;
    }
    for (const value of values)
      if (bucketOfType(jsonTypeOf(value)) === bucket) listed.set(canonical(value), value);
  }
  return free.length === 0 ? { closed: listed, known: new Map(), free } : { known: listed, free };
}

/** Each free branch's value of a keyword, or undefined when a branch lacks it (so the union lacks it too). */
export function everyBranch(free: Branch[], key: string): unknown[] | undefined {
  if (free.length === 0) return undefined;
  const values = free.map((branch) => branch[key]);
  return values.every((value) => value !== undefined) ? values : undefined;
}

export interface Bound {
  value: number;
  exclusive: boolean;
}

function boundOf(
  branch: Branch,
  side: "lower" | "upper",
  inclusiveKey: string,
  exclusiveKey?: string,
): Bound | undefined {
  const inclusive = branch[inclusiveKey];
  const exclusive = exclusiveKey ? branch[exclusiveKey] : undefined;
  let bound: Bound | undefined =
    typeof inclusive === "number" ? { value: inclusive, exclusive: false } : undefined;
  // OpenAPI 3.0 writes an exclusive bound as a boolean beside the inclusive one.
  if (exclusive === true && bound) bound = { value: bound.value, exclusive: true };
  if (typeof exclusive === "number") bound = tighterOf(bound, { value: exclusive, exclusive: true }, side);
  return bound;
}

function tighterOf(a: Bound | undefined, b: Bound, side: "lower" | "upper"): Bound {
  if (!a) return b;
  const sign = side === "lower" ? 1 : -1;
  if (a.value * sign > b.value * sign) return a;
  if (a.value * sign < b.value * sign) return b;
  return { value: a.value, exclusive: a.exclusive || b.exclusive };
}

/** The loosest bound over the free branches (a union is as loose as its loosest member). */
export function loosestBound(
  free: Branch[],
  side: "lower" | "upper",
  inclusiveKey: string,
  exclusiveKey?: string,
): Bound | undefined {
  let loosest: Bound | undefined;
  for (const branch of free) {
    const bound = boundOf(branch, side, inclusiveKey, exclusiveKey);
    // A minimum of 0 on a length or a count is no bound at all.
    if (!bound || (side === "lower" && !exclusiveKey && bound.value <= 0)) return undefined;
    const sign = side === "lower" ? 1 : -1;
    if (!loosest || bound.value * sign < loosest.value * sign) loosest = bound;
    else if (bound.value === loosest.value && !bound.exclusive) loosest = bound;
  }
  return loosest;
}

/** Unmodeled constraint keywords of every branch, by keyword, as sorted canonical values. */
export function otherKeywords(branches: Branch[]): Map<string, string> {
  const byKey = new Map<string, string[]>();
  for (const branch of branches) {
    for (const [key, value] of Object.entries(branch)) {
      if (modeledKeywords.has(key) || isDocKeyword(key)) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), canonical(value)]);
    }
  }
  return new Map([...byKey].map(([key, values]) => [key, values.sort().join("\n")]));
}

/**
 * The documentation of a schema and of its alternatives (not of its properties, which have their own paths): the
 * documentation keywords of each part that has any, depth first, so that adding an undocumented alternative
 * changes nothing here.
 */
export function docsOf(schema: Schema, stack: Set<object> = new Set()): Record<string, unknown>[] {
  if (!isObject(schema) || stack.has(schema)) return [];
  stack.add(schema);
  try {
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) if (isDocKeyword(key)) own[key] = value;
    const found = Object.keys(own).length > 0 ? [own] : [];
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const list = schema[key];
      if (Array.isArray(list)) for (const part of list) found.push(...docsOf(part, stack));
    }
    return found;
  } finally {
    stack.delete(schema);
  }
}
