// Edits of hand-written JSON: what is new is printed as biome prints it, and nothing else moves.
import { describe, expect, it } from "vitest";
import { JsonFileEditor, printJson } from "../src/json-text.js";

const file = `{
  "title": "Thing",
  "required": ["a", "b"],
  "properties": {
    "a": { "type": "string" },
    "b": {
      "type": "integer",
      "format": "int32"
    }
  }
}
`;

describe("printJson", () => {
  it("expands objects and keeps arrays of scalars on one line while they fit", () => {
    expect(printJson({ type: ["string", "null"], items: { type: "string" } }, "", 0)).toBe(
      '{\n  "type": ["string", "null"],\n  "items": {\n    "type": "string"\n  }\n}',
    );
  });

  it("puts one item per line when an array does not fit in 110 columns", () => {
    const long = Array.from({ length: 12 }, (_, i) => `value_number_${i}`);
    expect(printJson(long, "  ", 20).split("\n")).toHaveLength(14);
  });
});

describe("JsonFileEditor", () => {
  it("adds a member after the last one, at its indentation", () => {
    const editor = new JsonFileEditor(file, "thing.json");
    editor.addMembers("/properties", [["c", { type: "boolean" }]]);
    expect(editor.apply()).toContain(
      '      "format": "int32"\n    },\n    "c": {\n      "type": "boolean"\n    }\n  }',
    );
  });

  it("expands an object written on one line when it gains a member", () => {
    const editor = new JsonFileEditor(file, "thing.json");
    editor.addMembers("/properties/a", [["format", "uuid"]]);
    expect(editor.apply()).toContain('"a": {\n      "type": "string",\n      "format": "uuid"\n    },');
  });

  it("removes a member with the comma before it, and replaces a value in place", () => {
    const editor = new JsonFileEditor(file, "thing.json");
    editor.removeMember("/properties/b", "format");
    editor.replace("/required", ["a"]);
    const after = editor.apply();
    expect(JSON.parse(after)).toEqual({
      title: "Thing",
      required: ["a"],
      properties: { a: { type: "string" }, b: { type: "integer" } },
    });
    expect(after).toContain('"b": {\n      "type": "integer"\n    }');
  });

  it("refuses overlapping edits rather than corrupt the file", () => {
    const editor = new JsonFileEditor(file, "thing.json");
    editor.replace("/properties/b", { type: "string" });
    editor.replace("/properties/b/type", "string");
    expect(() => editor.apply()).toThrow(/overlapping/);
  });
});
