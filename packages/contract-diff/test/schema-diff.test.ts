// The schema walk on small schemas: spellings that mean the same, and unions (anyOf/oneOf/allOf).
import { describe, expect, it } from "vitest";
import { diffSchema } from "../src/index.js";

const kinds = (before: unknown, after: unknown) =>
  diffSchema(before, after).map((c) => `${c.path} ${c.kind}`);

const openList = (values: string[]) => ({
  anyOf: [{ type: "string", enum: values }, { type: "string" }],
});

describe("diffSchema", () => {
  it("reads nullable written as a type array, an anyOf with null and OpenAPI 3.0 nullable alike", () => {
    const typeArray = { type: ["string", "null"], format: "uuid" };
    const anyOf = { anyOf: [{ type: "string", format: "uuid" }, { type: "null" }] };
    const legacy = { type: "string", format: "uuid", nullable: true };
    expect(kinds(typeArray, anyOf)).toEqual([]);
    expect(kinds(anyOf, legacy)).toEqual([]);
  });

  it("a nullable open list that loses null and gains a known value", () => {
    const before = { anyOf: [...openList(["zoom", "meet"]).anyOf, { type: "null" }] };
    const after = openList(["zoom", "meet", "teams"]);
    expect(kinds(before, after)).toEqual([" nullable-removed", " open-list-value-added"]);
  });

  it("a plain string that becomes an open list only documents values", () => {
    expect(kinds({ type: "string" }, openList(["a", "b"]))).toEqual([
      " open-list-value-added",
      " open-list-value-added",
    ]);
  });

  it("a plain string that becomes a closed list is a narrowing", () => {
    expect(kinds({ type: "string" }, { type: "string", enum: ["a", "b"] })).toEqual([" list-closed"]);
  });

  it("oneOf objects: a property required in only one alternative is not promised", () => {
    const alternative = (required: string[]) => ({
      type: "object",
      required,
      properties: { id: { type: "string" }, error: { type: "string" } },
    });
    const before = { oneOf: [alternative(["id", "error"]), alternative(["id", "error"])] };
    const after = { oneOf: [alternative(["id", "error"]), alternative(["id"])] };
    expect(kinds(before, after)).toEqual(["/error property-optional"]);
  });

  it("allOf parts are merged: a constraint moved into an allOf is not a change", () => {
    const before = { type: "object", required: ["id"], properties: { id: { type: "string", minLength: 1 } } };
    const after = {
      allOf: [{ type: "object", properties: { id: { type: "string" } } }, { required: ["id"] }],
      properties: { id: { minLength: 1 } },
    };
    expect(kinds(before, after)).toEqual([]);
  });

  it("array items are compared at /*", () => {
    const before = { type: "array", items: { type: "object", properties: { name: { type: "string" } } } };
    const after = { type: "array", items: { type: "object", properties: {} } };
    expect(kinds(before, after)).toEqual(["/*/name property-removed"]);
  });

  it("bounds: a lower minimum relaxes, a higher one tightens, exclusive counts", () => {
    expect(kinds({ type: "integer", minimum: 1 }, { type: "integer", minimum: 0 })).toEqual([
      " constraint-relaxed",
    ]);
    expect(kinds({ type: "integer", minimum: 0 }, { type: "integer", exclusiveMinimum: 0 })).toEqual([
      " constraint-tightened",
    ]);
    expect(kinds({ type: "string", maxLength: 10 }, { type: "string" })).toEqual([" constraint-relaxed"]);
  });

  it("unknown properties: closing an object is safe, opening it breaks", () => {
    const closed = { type: "object", additionalProperties: false };
    expect(kinds({ type: "object" }, closed)).toEqual([" constraint-tightened"]);
    expect(kinds(closed, { type: "object" })).toEqual([" constraint-relaxed"]);
  });

  it("a schema that allows anything becoming a string is a narrowing; the reverse widens", () => {
    expect(kinds({}, { type: "string" })).toEqual([" nullable-removed", " type-narrowed"]);
    expect(kinds({ type: "string" }, {})).toEqual([" nullable-added", " type-widened"]);
  });
});
