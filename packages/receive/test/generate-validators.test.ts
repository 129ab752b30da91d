// The validators generator: what the strict variant closes, and that the runtime compiles nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrySchemaPaths, exportName, transformSchema } from "../scripts/generate-validators.js";

describe("transformSchema", () => {
  const schema = {
    title: "T",
    description: "d",
    type: "object",
    properties: {
      code: { description: "open list", anyOf: [{ type: "string", enum: ["a", "b"] }, { type: "string" }] },
      maybe: { anyOf: [{ type: "string", enum: ["x"] }, { type: "string" }, { type: "null" }] },
      extra: { type: ["object", "null"] },
      items: { type: "array", contains: { type: "object", properties: { type: { const: "k" } } } },
    },
  };

  it("lenient drops annotations only", () => {
    expect(transformSchema(schema, "lenient")).toEqual({
      type: "object",
      properties: {
        code: { anyOf: [{ type: "string", enum: ["a", "b"] }, { type: "string" }] },
        maybe: { anyOf: [{ type: "string", enum: ["x"] }, { type: "string" }, { type: "null" }] },
        extra: { type: ["object", "null"] },
        items: { type: "array", contains: { type: "object", properties: { type: { const: "k" } } } },
      },
    });
  });

  it("strict closes objects with declared properties (not free-form ones, not inside contains) and open lists", () => {
    expect(transformSchema(schema, "strict")).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        code: { type: "string", enum: ["a", "b"] },
        maybe: { anyOf: [{ type: "string", enum: ["x"] }, { type: "null" }] },
        extra: { type: ["object", "null"] },
        items: { type: "array", contains: { type: "object", properties: { type: { const: "k" } } } },
      },
    });
  });

  it("keeps a property named like an annotation", () => {
    const withTitle = { type: "object", properties: { title: { type: "string" } } };
    expect(transformSchema(withTitle, "lenient")).toEqual(withTitle);
  });
});

describe("generated module", () => {
  const source = readFileSync(join(import.meta.dirname, "..", "src", "validators.gen.ts"), "utf8");

  it("has a lenient and a strict validator for every webhook payload and artifact schema", () => {
    expect(entrySchemaPaths()).toContain("meetingbaas/schemas/bot.status_change.json");
    expect(entrySchemaPaths()).toContain("cronofy/schemas/transcript.json");
    for (const path of entrySchemaPaths()) {
      expect(source).toContain(`export const ${exportName("strict", path)} =`);
      expect(source).toContain(`export const ${exportName("lenient", path)} =`);
    }
  });

  it("compiles nothing at run time and imports only the contracts' formats", () => {
    expect(source).not.toMatch(/new Function|require\(|from "ajv"/);
    expect(source.match(/^import .*$/gm)).toEqual([
      'import specFormats from "@meeting-webhooks/specs/formats";',
    ]);
  });
});
