// Walks one delivery down its event's schema files, the way a validator would, and says each place where the two
// disagree, with the schema node that would have to change (its file and JSON pointer, past every `$ref`). A
// validator's errors would say where in the payload; a proposal needs to know where in which file.
import { isDate, isDateTime, isUri, isUuid, openListValues, ucs2length } from "@meeting-webhooks/specs";
import type { Schema, SchemaFiles } from "./schema-files.js";
import { type JsonType, jsonType } from "./values.js";

export type ObservationKind =
  | "unknown-property"
  | "open-list-value"
  | "closed-list-value"
  | "required-missing"
  | "type-mismatch"
  | "format-mismatch"
  | "constraint-mismatch";

/** Where in the contracts: a schema file (relative to the specs folder) and a JSON pointer into it. */
export interface SchemaLocation {
  file: string;
  pointer: string;
}

export interface Observation {
  kind: ObservationKind;
  /** JSON pointer into the payload, `*` for every item of an array. */
  path: string;
  /** The schema node concerned: the object for properties, the list's `enum`, the node with the type or keyword. */
  at: SchemaLocation;
  /** The property name, the schema keyword (`format`, `minimum`, `const`), depending on the kind. */
  name?: string;
  /** The captured value, for the caller to redact or keep (list values, unknown properties' values). */
  value?: unknown;
}

const formatChecks: Record<string, (value: string) => boolean> = {
  "date-time": isDateTime,
  date: isDate,
  uri: isUri,
  uuid: isUuid,
};

const isObject = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const token = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1");

function typeAccepts(types: unknown, actual: JsonType): boolean {
  if (types === undefined) return true;
  const list = Array.isArray(types) ? types : [types];
  return list.includes(actual) || (actual === "integer" && list.includes("number"));
}

function equal(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}

export class SchemaWalker {
  constructor(private readonly files: SchemaFiles) {}

  /** Every disagreement between a payload and the schema file at `file`. */
  walk(file: string, value: unknown): Observation[] {
    const out: Observation[] = [];
    this.visit(this.files.schema(file), { file, pointer: "" }, value, "", out, 0);
    return out;
  }

  private visit(
    schema: unknown,
    at: SchemaLocation,
    value: unknown,
    path: string,
    out: Observation[],
    depth: number,
  ) {
    if (!isObject(schema) || depth > 64) return;
    if (typeof schema.$ref === "string") {
      const file = this.files.resolveRef(at.file, schema.$ref);
      this.visit(this.files.schema(file), { file, pointer: "" }, value, path, out, depth + 1);
      return;
    }
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach((branch, i) => {
        this.visit(
          branch,
          { file: at.file, pointer: `${at.pointer}/allOf/${i}` },
          value,
          path,
          out,
          depth + 1,
        );
      });
    }
    const type = jsonType(value);
    const open = openListValues(schema);
    if (open) {
      const branches = schema.anyOf as Schema[];
      if (type === "string" && !open.values.includes(value as string)) {
        const index = branches.findIndex((b) => b.type === "string" && Array.isArray(b.enum));
        out.push({
          kind: "open-list-value",
          path,
          at: { file: at.file, pointer: `${at.pointer}/anyOf/${index}` },
          value,
        });
      } else if (type !== "string" && !(type === "null" && open.nullable)) {
        out.push({ kind: "type-mismatch", path, at, value });
      }
      return;
    }
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      // The first branch the value fully matches wins; else the first of its type says what differs.
      let first: Observation[] | undefined;
      let matched = false;
      for (const [index, branch] of branches.entries()) {
        if (!this.accepts(branch, at.file, type)) continue;
        const found: Observation[] = [];
        const location = { file: at.file, pointer: `${at.pointer}/${keyword}/${index}` };
        this.visit(branch, location, value, path, found, depth + 1);
        if (found.length === 0) {
          matched = true;
          break;
        }
        first ??= found;
      }
      if (!matched) {
        if (first) out.push(...first);
        else out.push({ kind: "type-mismatch", path, at, value });
      }
    }
    if (!typeAccepts(schema.type, type)) {
      out.push({ kind: "type-mismatch", path, at, value });
      return;
    }
    if (schema.const !== undefined && !equal(schema.const, value)) {
      out.push({ kind: "closed-list-value", path, at, name: "const", value });
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((known) => equal(known, value))) {
      out.push({ kind: "closed-list-value", path, at, name: "enum", value });
    }
    if (type === "string") this.checkString(schema, at, value as string, path, out);
    else if (type === "integer" || type === "number")
      this.checkNumber(schema, at, value as number, path, out);
    else if (type === "object") this.checkObject(schema, at, value as Schema, path, out, depth);
    else if (type === "array") this.checkArray(schema, at, value as unknown[], path, out, depth);
  }

  /** Whether a branch of an anyOf could take a value of this type (following a `$ref`). */
  private accepts(branch: unknown, file: string, type: JsonType): boolean {
    if (!isObject(branch)) return branch !== false;
    if (typeof branch.$ref === "string") {
      const target = this.files.resolveRef(file, branch.$ref);
      return this.accepts(this.files.schema(target), target, type);
    }
    if (branch.type !== undefined) return typeAccepts(branch.type, type);
    if (branch.const !== undefined) return jsonType(branch.const) === type;
    return true;
  }

  private checkString(schema: Schema, at: SchemaLocation, value: string, path: string, out: Observation[]) {
    const check = typeof schema.format === "string" ? formatChecks[schema.format] : undefined;
    if (check && !check(value)) out.push({ kind: "format-mismatch", path, at, name: "format", value });
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      out.push({ kind: "format-mismatch", path, at, name: "pattern", value });
    const length =
      typeof schema.minLength === "number" || typeof schema.maxLength === "number" ? ucs2length(value) : 0;
    if (typeof schema.minLength === "number" && length < schema.minLength)
      out.push({ kind: "constraint-mismatch", path, at, name: "minLength", value });
    if (typeof schema.maxLength === "number" && length > schema.maxLength)
      out.push({ kind: "constraint-mismatch", path, at, name: "maxLength", value });
  }

  private checkNumber(schema: Schema, at: SchemaLocation, value: number, path: string, out: Observation[]) {
    const failing = (name: string, bound: unknown, fails: (bound: number) => boolean) => {
      if (typeof bound === "number" && fails(bound))
        out.push({ kind: "constraint-mismatch", path, at, name, value });
    };
    failing("minimum", schema.minimum, (b) => value < b);
    failing("maximum", schema.maximum, (b) => value > b);
    failing("exclusiveMinimum", schema.exclusiveMinimum, (b) => value <= b);
    failing("exclusiveMaximum", schema.exclusiveMaximum, (b) => value >= b);
    failing("multipleOf", schema.multipleOf, (b) => !Number.isInteger(value / b));
  }

  private checkObject(
    schema: Schema,
    at: SchemaLocation,
    value: Schema,
    path: string,
    out: Observation[],
    depth: number,
  ) {
    if (Array.isArray(schema.required)) {
      for (const name of schema.required as string[]) {
        if (!Object.hasOwn(value, name))
          out.push({ kind: "required-missing", path: `${path}/${token(name)}`, at, name });
      }
    }
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    const describes =
      properties !== undefined || schema.type === "object" || schema.additionalProperties !== undefined;
    // A schema that only adds `required` or sits beside others in an allOf does not own the property list.
    if (!describes) return;
    for (const [name, item] of Object.entries(value)) {
      const childPath = `${path}/${token(name)}`;
      if (properties && Object.hasOwn(properties, name)) {
        this.visit(
          properties[name],
          { file: at.file, pointer: `${at.pointer}/properties/${token(name)}` },
          item,
          childPath,
          out,
          depth + 1,
        );
      } else if (isObject(schema.additionalProperties)) {
        this.visit(
          schema.additionalProperties,
          { file: at.file, pointer: `${at.pointer}/additionalProperties` },
          item,
          `${path}/*`,
          out,
          depth + 1,
        );
      } else if (!this.declaredInAllOf(schema, at.file, name)) {
        out.push({ kind: "unknown-property", path: childPath, at, name, value: item });
      }
    }
  }

  /** Whether an allOf branch beside this node declares the property (then it is that branch's to check). */
  private declaredInAllOf(schema: Schema, file: string, name: string): boolean {
    if (!Array.isArray(schema.allOf)) return false;
    return schema.allOf.some((branch) => {
      let node: unknown = branch;
      let from = file;
      while (isObject(node) && typeof node.$ref === "string") {
        from = this.files.resolveRef(from, node.$ref);
        node = this.files.schema(from);
      }
      return isObject(node) && isObject(node.properties) && Object.hasOwn(node.properties, name);
    });
  }

  private checkArray(
    schema: Schema,
    at: SchemaLocation,
    value: unknown[],
    path: string,
    out: Observation[],
    depth: number,
  ) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      out.push({ kind: "constraint-mismatch", path, at, name: "minItems" });
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      out.push({ kind: "constraint-mismatch", path, at, name: "maxItems" });
    if (!isObject(schema.items)) return;
    const items = { file: at.file, pointer: `${at.pointer}/items` };
    for (const item of value) this.visit(schema.items, items, item, `${path}/*`, out, depth + 1);
  }
}
