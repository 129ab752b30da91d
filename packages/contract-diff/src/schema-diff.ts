// Compares two versions of one schema for a receiver, walking both in parallel: types, nullability, lists of
// values, formats and bounds at each node, then properties and items below it. What the new version lets the
// sender send that the old did not, or no longer promises, is breaking; see rules.ts.
import { canonical, identity } from "./canonical.js";
import {
  type Bound,
  type Branch,
  branchesOf,
  docsOf,
  everyBranch,
  type Facets,
  facetsOf,
  isDocKeyword,
  isObject,
  loosestBound,
  otherKeywords,
  type Schema,
  typeNames,
  type Values,
  valuesOf,
} from "./facets.js";
import { child, everyItem } from "./pointer.js";
import type { ChangeKind } from "./rules.js";

export interface SchemaChange {
  /** JSON pointer of the changed value, `*` standing for every item. */
  path: string;
  kind: ChangeKind;
  /** What changed, in a few words; the rule adds why it matters. */
  what: string;
}

/** Every change between two schemas, each at the JSON pointer (below `path`) of the value it affects. */
export function diffSchema(oldSchema: Schema, newSchema: Schema, path = ""): SchemaChange[] {
  const changes: SchemaChange[] = [];
  new SchemaWalker(changes).compare([oldSchema], [newSchema], path, 0);
  return changes;
}

/** Deeper than this, a schema is recursive in a way identity did not catch; stop rather than loop. */
const maxDepth = 64;

export const show = (value: unknown) => `\`${JSON.stringify(value)}\``;
const showAll = (values: Iterable<unknown>) => [...values].map(show).join(", ");

function typeLabel(types: string[]): string {
  if (types.length === 0) return "nothing";
  if (types.length === 5) return "any type";
  return types.join(" or ");
}

function showBound(bound: Bound): string {
  return bound.exclusive ? `${bound.value} (exclusive)` : String(bound.value);
}

function boundChange(
  side: "lower" | "upper",
  before: Bound | undefined,
  after: Bound | undefined,
): "relaxed" | "tightened" | undefined {
  if (!before && !after) return undefined;
  if (!after) return "relaxed";
  if (!before) return "tightened";
  const sign = side === "lower" ? 1 : -1;
  if (after.value * sign < before.value * sign) return "relaxed";
  if (after.value * sign > before.value * sign) return "tightened";
  if (before.exclusive && !after.exclusive) return "relaxed";
  if (!before.exclusive && after.exclusive) return "tightened";
  return undefined;
}

const docNames: Record<string, string> = {
  description: "description",
  title: "title",
  summary: "summary",
  examples: "examples",
  example: "example",
  default: "default value",
};

function describeDocs(oldSchemas: Schema[], newSchemas: Schema[]): string {
  const own = (schemas: Schema[]): Record<string, unknown> => {
    const [schema] = schemas;
    if (schemas.length !== 1 || !isObject(schema)) return {};
    return Object.fromEntries(Object.entries(schema).filter(([key]) => isDocKeyword(key)));
  };
  const before = own(oldSchemas);
  const after = own(newSchemas);
  const parts: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonical(before[key]) === canonical(after[key])) continue;
    if (key === "deprecated") parts.push(after[key] === true ? "now deprecated" : "no longer deprecated");
    else if (key === "title" && typeof before[key] === "string" && typeof after[key] === "string")
      parts.push(`title changed from ${show(before[key])} to ${show(after[key])}`);
    else
      parts.push(
        `${docNames[key] ?? `\`${key}\``} ${key in before ? (key in after ? "changed" : "removed") : "added"}`,
      );
  }
  return parts.length > 0 ? parts.join(", ") : "documentation of an alternative changed";
}

class SchemaWalker {
  /** Pairs of schemas being compared further up: meeting one again means a cycle, already covered. */
  private readonly active = new Set<string>();

  constructor(private readonly out: SchemaChange[]) {}

  private emit(path: string, kind: ChangeKind, what: string): void {
    this.out.push({ path, kind, what });
  }

  compare(oldSchemas: Schema[], newSchemas: Schema[], path: string, depth: number): void {
    if (canonical(oldSchemas) === canonical(newSchemas)) return;
    const pair = `${oldSchemas.map(identity).join(",")}|${newSchemas.map(identity).join(",")}`;
    if (this.active.has(pair) || depth > maxDepth) return;
    this.active.add(pair);
    try {
      this.compareNode(oldSchemas, newSchemas, path, depth);
    } finally {
      this.active.delete(pair);
    }
  }

  private compareNode(oldSchemas: Schema[], newSchemas: Schema[], path: string, depth: number): void {
    if (
      canonical(oldSchemas.map((schema) => docsOf(schema))) !==
      canonical(newSchemas.map((schema) => docsOf(schema)))
    ) {
      this.emit(path, "docs-changed", describeDocs(oldSchemas, newSchemas));
    }
    const oldBranches = oldSchemas.flatMap((schema) => branchesOf(schema));
    const newBranches = newSchemas.flatMap((schema) => branchesOf(schema));

    const oldOther = otherKeywords(oldBranches);
    const newOther = otherKeywords(newBranches);
    const changedKeywords = [...new Set([...oldOther.keys(), ...newOther.keys()])].filter(
      (key) => oldOther.get(key) !== newOther.get(key),
    );
    if (changedKeywords.length > 0) {
      this.emit(path, "keyword-changed", `${changedKeywords.map((key) => `\`${key}\``).join(", ")} changed`);
    }

    const before = facetsOf(oldBranches);
    const after = facetsOf(newBranches);
    this.compareTypes(before, after, path);
    for (const bucket of ["string", "number", "boolean"] as const) {
      const o = before.byBucket.get(bucket);
      const n = after.byBucket.get(bucket);
      if (!o || !n) continue;
      const [oldValues, newValues] = [valuesOf(o, bucket), valuesOf(n, bucket)];
      this.compareValues(oldValues, newValues, bucket, path);
      if (oldValues.closed || newValues.closed) continue;
      if (bucket === "string") this.compareStrings(oldValues.free, newValues.free, path);
      if (bucket === "number") this.compareNumbers(oldValues.free, newValues.free, path);
    }
    const oldArrays = before.byBucket.get("array");
    const newArrays = after.byBucket.get("array");
    if (oldArrays && newArrays) this.compareArrays(oldArrays, newArrays, path, depth);
    const oldObjects = before.byBucket.get("object");
    const newObjects = after.byBucket.get("object");
    if (oldObjects && newObjects) this.compareObjects(oldObjects, newObjects, path, depth);
  }

  private compareTypes(before: Facets, after: Facets, path: string): void {
    const oldTypes = typeNames(before);
    const newTypes = typeNames(after);
    const wasNullable = oldTypes.includes("null");
    const isNullable = newTypes.includes("null");
    if (!wasNullable && isNullable) this.emit(path, "nullable-added", "now nullable");
    if (wasNullable && !isNullable) this.emit(path, "nullable-removed", "no longer nullable");
    const o = oldTypes.filter((type) => type !== "null");
    const n = newTypes.filter((type) => type !== "null");
    const covers = (types: string[], type: string) =>
      types.includes(type) || (type === "integer" && types.includes("number"));
    const wider = n.filter((type) => !covers(o, type));
    const narrower = o.filter((type) => !covers(n, type));
    const change = `from ${typeLabel(o)} to ${typeLabel(n)}`;
    if (wider.length > 0 && narrower.length > 0) this.emit(path, "type-changed", `type changed ${change}`);
    else if (wider.length > 0) this.emit(path, "type-widened", `type widened ${change}`);
    else if (narrower.length > 0) this.emit(path, "type-narrowed", `type narrowed ${change}`);
  }

  private compareValues(before: Values, after: Values, bucket: string, path: string): void {
    const missing = (from: Map<string, unknown>, to: Map<string, unknown>) =>
      [...from].filter(([key]) => !to.has(key)).map(([, value]) => value);
    if (before.closed && after.closed) {
      if (before.closed.size === 1 && after.closed.size === 1) {
        const [o] = before.closed.values();
        const [n] = after.closed.values();
        if (canonical(o) !== canonical(n))
          this.emit(path, "const-changed", `changed from ${show(o)} to ${show(n)}`);
        return;
      }
      for (const value of missing(after.closed, before.closed))
        this.emit(path, "enum-value-added", `value ${show(value)} added to a closed list`);
      for (const value of missing(before.closed, after.closed))
        this.emit(path, "enum-value-removed", `value ${show(value)} removed from a closed list`);
      return;
    }
    if (before.closed) {
      this.emit(
        path,
        "list-opened",
        `the closed list (${showAll(before.closed.values())}) now accepts any ${bucket}`,
      );
      for (const value of missing(before.closed, after.known))
        this.emit(path, "enum-value-removed", `value ${show(value)} no longer listed`);
      for (const value of missing(after.known, before.closed))
        this.emit(path, "open-list-value-added", `known value ${show(value)} added`);
      return;
    }
    if (after.closed) {
      this.emit(path, "list-closed", `now a closed list (${showAll(after.closed.values())})`);
      for (const value of missing(before.known, after.closed))
        this.emit(path, "open-list-value-removed", `known value ${show(value)} removed`);
      if (before.known.size > 0) {
        for (const value of missing(after.closed, before.known))
          this.emit(path, "open-list-value-added", `known value ${show(value)} added`);
      }
      return;
    }
    for (const value of missing(after.known, before.known))
      this.emit(path, "open-list-value-added", `known value ${show(value)} added to an open list`);
    for (const value of missing(before.known, after.known))
      this.emit(path, "open-list-value-removed", `known value ${show(value)} removed from an open list`);
  }

  private compareBound(
    path: string,
    label: string,
    side: "lower" | "upper",
    before: Bound | undefined,
    after: Bound | undefined,
  ): void {
    const change = boundChange(side, before, after);
    if (!change) return;
    const what =
      before && after
        ? `${label} ${change} from ${showBound(before)} to ${showBound(after)}`
        : before
          ? `${label} ${showBound(before)} removed`
          : `${label} ${showBound(after as Bound)} added`;
    this.emit(path, change === "relaxed" ? "constraint-relaxed" : "constraint-tightened", what);
  }

  /** A keyword whose values, when different, cannot be ordered (pattern): added tightens, removed relaxes. */
  private compareOpaque(
    path: string,
    label: string,
    before: unknown[] | undefined,
    after: unknown[] | undefined,
  ) {
    const o = before && [...new Set(before.map((value) => canonical(value)))].sort();
    const n = after && [...new Set(after.map((value) => canonical(value)))].sort();
    if (canonical(o) === canonical(n)) return;
    const list = (values: string[]) => values.map((value) => `\`${JSON.parse(value)}\``).join(" or ");
    if (!o || !n) {
      if (o) this.emit(path, "constraint-relaxed", `${label} ${list(o)} removed`);
      if (n) this.emit(path, "constraint-tightened", `${label} ${list(n)} added`);
    } else if (n.every((value) => o.includes(value))) {
      this.emit(path, "constraint-tightened", `${label} narrowed from ${list(o)} to ${list(n)}`);
    } else {
      this.emit(path, "constraint-changed", `${label} changed from ${list(o)} to ${list(n)}`);
    }
  }

  private compareStrings(before: Branch[], after: Branch[], path: string): void {
    const oldFormats = everyBranch(before, "format")?.map(String);
    const newFormats = everyBranch(after, "format")?.map(String);
    const o = oldFormats && [...new Set(oldFormats)].sort();
    const n = newFormats && [...new Set(newFormats)].sort();
    const list = (formats: string[]) => formats.map((format) => `\`${format}\``).join(" or ");
    if (o && !n) this.emit(path, "format-removed", `format ${list(o)} removed`);
    else if (!o && n) this.emit(path, "format-added", `format ${list(n)} added`);
    else if (o && n && canonical(o) !== canonical(n)) {
      if (n.every((format) => o.includes(format)))
        this.emit(path, "format-narrowed", `format narrowed from ${list(o)} to ${list(n)}`);
      else this.emit(path, "format-changed", `format changed from ${list(o)} to ${list(n)}`);
    }
    this.compareOpaque(path, "pattern", everyBranch(before, "pattern"), everyBranch(after, "pattern"));
    this.compareBound(
      path,
      "minLength",
      "lower",
      loosestBound(before, "lower", "minLength"),
      loosestBound(after, "lower", "minLength"),
    );
    this.compareBound(
      path,
      "maxLength",
      "upper",
      loosestBound(before, "upper", "maxLength"),
      loosestBound(after, "upper", "maxLength"),
    );
  }

  private compareNumbers(before: Branch[], after: Branch[], path: string): void {
    this.compareBound(
      path,
      "minimum",
      "lower",
      loosestBound(before, "lower", "minimum", "exclusiveMinimum"),
      loosestBound(after, "lower", "minimum", "exclusiveMinimum"),
    );
    this.compareBound(
      path,
      "maximum",
      "upper",
      loosestBound(before, "upper", "maximum", "exclusiveMaximum"),
      loosestBound(after, "upper", "maximum", "exclusiveMaximum"),
    );
    const o = everyBranch(before, "multipleOf");
    const n = everyBranch(after, "multipleOf");
    const single = (values: unknown[] | undefined) =>
      values && new Set(values).size === 1 && typeof values[0] === "number" ? values[0] : undefined;
    const [m, k] = [single(o), single(n)];
    if (m === k) return;
    if (m !== undefined && k !== undefined && k % m === 0)
      this.emit(path, "constraint-tightened", `multipleOf changed from ${m} to ${k}`);
    else if (m !== undefined && k !== undefined)
      this.emit(path, "constraint-changed", `multipleOf changed from ${m} to ${k}`);
    else if (m !== undefined) this.emit(path, "constraint-relaxed", `multipleOf ${m} removed`);
    else this.emit(path, "constraint-tightened", `multipleOf ${k} added`);
  }

  private compareArrays(before: Branch[], after: Branch[], path: string, depth: number): void {
    const items = (branches: Branch[]) =>
      branches.map((branch) =>
        branch.items === undefined
          ? true
          : Array.isArray(branch.items)
            ? { anyOf: branch.items }
            : branch.items,
      );
    this.compare(items(before), items(after), everyItem(path), depth + 1);
    const oldContains = everyBranch(before, "contains");
    const newContains = everyBranch(after, "contains");
    if (oldContains && newContains) this.compare(oldContains, newContains, everyItem(path), depth + 1);
    else if (oldContains) this.emit(path, "constraint-relaxed", "`contains` removed");
    else if (newContains) this.emit(path, "constraint-tightened", "`contains` added");
    this.compareBound(
      path,
      "minItems",
      "lower",
      loosestBound(before, "lower", "minItems"),
      loosestBound(after, "lower", "minItems"),
    );
    this.compareBound(
      path,
      "maxItems",
      "upper",
      loosestBound(before, "upper", "maxItems"),
      loosestBound(after, "upper", "maxItems"),
    );
    const unique = (branches: Branch[]) => branches.every((branch) => branch.uniqueItems === true);
    if (unique(before) && !unique(after)) this.emit(path, "constraint-relaxed", "`uniqueItems` removed");
    if (!unique(before) && unique(after)) this.emit(path, "constraint-tightened", "`uniqueItems` added");
  }

  private compareObjects(before: Branch[], after: Branch[], path: string, depth: number): void {
    const o = objectShape(before);
    const n = objectShape(after);
    for (const name of new Set([...o.properties.keys(), ...n.properties.keys()])) {
      const oldProperty = o.properties.get(name);
      const newProperty = n.properties.get(name);
      const at = child(path, name);
      if (oldProperty && !newProperty) {
        this.emit(at, "property-removed", `\`${name}\` removed`);
      } else if (!oldProperty && newProperty) {
        this.emit(
          at,
          "property-added",
          `\`${name}\` added (${n.required.has(name) ? "required" : "optional"})`,
        );
      } else if (oldProperty && newProperty) {
        if (o.required.has(name) && !n.required.has(name))
          this.emit(at, "property-optional", `\`${name}\` no longer required`);
        if (!o.required.has(name) && n.required.has(name))
          this.emit(at, "property-required", `\`${name}\` now required`);
        this.compare(oldProperty, newProperty, at, depth + 1);
      }
    }
    const wasOpen = o.additional === "open";
    const isOpen = n.additional === "open";
    if (wasOpen && !isOpen) this.emit(path, "constraint-tightened", "unknown properties no longer allowed");
    else if (!wasOpen && isOpen) this.emit(path, "constraint-relaxed", "unknown properties now allowed");
    else if (!wasOpen && !isOpen) {
      const [a, b] = [o.additional as Schema[], n.additional as Schema[]];
      if (a.length === 0 && b.length > 0)
        this.emit(path, "constraint-relaxed", "unknown properties now allowed");
      else if (a.length > 0 && b.length === 0)
        this.emit(path, "constraint-tightened", "unknown properties no longer allowed");
      else if (a.length > 0) this.compare(a, b, everyItem(path), depth + 1);
    }
  }
}

interface ObjectShape {
  properties: Map<string, Schema[]>;
  /** Required in every alternative, so always sent. */
  required: Set<string>;
  /** "open": any other property is allowed; otherwise the schemas other properties must match (none: closed). */
  additional: "open" | Schema[];
}

function objectShape(branches: Branch[]): ObjectShape {
  const properties = new Map<string, Schema[]>();
  let required: Set<string> | undefined;
  let additional: "open" | Schema[] = [];
  for (const branch of branches) {
    if (isObject(branch.properties)) {
      for (const [name, schema] of Object.entries(branch.properties)) {
        properties.set(name, [...(properties.get(name) ?? []), schema]);
      }
    }
    const names = new Set(
      Array.isArray(branch.required)
        ? branch.required.filter((name): name is string => typeof name === "string")
        : [],
    );
    required = required ? new Set([...required].filter((name) => names.has(name))) : names;
    const extra = branch.additionalProperties;
    if (extra === undefined || extra === true) additional = "open";
    else if (extra !== false && additional !== "open") additional = [...additional, extra];
  }
  // A required name without a schema is still a field the receiver may rely on.
  for (const name of required ?? []) if (!properties.has(name)) properties.set(name, [true]);
  return { properties, required: required ?? new Set(), additional };
}
