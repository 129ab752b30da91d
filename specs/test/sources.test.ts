// Facts have sources: every schema file, every delivery header and every document's delivery rules say where they
// come from in an `x-source` list (specs/README.md, "Sources"), and the tools that read the files accept it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allSchemaPaths, createSpecAjv, providers, readJson, sourceKeyword, specsDir } from "../src/index.js";

type Json = Record<string, any>;

const receiverSchemas = ["delivery.json", "meeting.json", "receipt.json"].map((f) => `receiver/schemas/${f}`);
const isSourceList = (value: unknown) =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((s) => typeof s === "string" && s.trim().length > 0);
const yamlOf = (path: string) => parse(readFileSync(join(specsDir, path), "utf8")) as Json;

describe("x-source", () => {
  it.each([...allSchemaPaths(), ...receiverSchemas])("is a non-empty list of sources in %s", (path) => {
    const schema = readJson(join(specsDir, path)) as Json;
    expect(isSourceList(schema[sourceKeyword]), `${path} needs "x-source": ["<page or file>", …]`).toBe(true);
  });

  it.each(providers)(
    "is on every delivery header and on the delivery rules of %s/openapi.yaml",
    (provider) => {
      const document = yamlOf(`${provider}/openapi.yaml`);
      const missing = Object.entries((document.components?.parameters ?? {}) as Record<string, Json>)
        .filter(([, parameter]) => parameter.in === "header" && !isSourceList(parameter[sourceKeyword]))
        .map(([name]) => name);
      expect(missing).toEqual([]);
      expect(isSourceList(document.info?.[sourceKeyword])).toBe(true);
    },
  );

  it("is accepted by the strict Ajv instance and changes no verdict", () => {
    const ajv = createSpecAjv();
    expect(ajv.validate({ [sourceKeyword]: ["somewhere"], type: "string" }, "text")).toBe(true);
    expect(() => ajv.compile({ [sourceKeyword]: [], type: "string" })).toThrow();
  });
});
