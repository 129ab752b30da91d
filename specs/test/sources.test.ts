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

  it.each(providers)(
    "is on every header, security scheme and delivery rule of %s/asyncapi.yaml",
    (provider) => {
      const document = yamlOf(`${provider}/asyncapi.yaml`);
      const components = (document.components ?? {}) as Json;
      const missing: string[] = [];
      const need = (where: string, node: Json | undefined) => {
        if (!node || !isSourceList(node[sourceKeyword])) missing.push(where);
      };
      need("#/info", document.info);
      for (const [name, scheme] of Object.entries((components.securitySchemes ?? {}) as Record<string, Json>))
        need(`#/components/securitySchemes/${name}`, scheme);
      // Header schemas are the ones message traits point at.
      const headerSchemas = Object.values((components.messageTraits ?? {}) as Record<string, Json>)
        .map((trait) => String(trait.headers?.$ref ?? "").replace("#/components/schemas/", ""))
        .filter(Boolean);
      expect(headerSchemas.length).toBeGreaterThan(0);
      for (const name of headerSchemas) {
        const schema = (components.schemas as Json)[name] as Json;
        need(`#/components/schemas/${name}`, schema);
        for (const [header, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>))
          need(`#/components/schemas/${name}/properties/${header}`, property);
      }
      for (const [name, channel] of Object.entries((document.channels ?? {}) as Record<string, Json>)) {
        if (channel["x-delivery-policy"])
          need(`#/channels/${name}/x-delivery-policy`, channel["x-delivery-policy"]);
      }
      expect(missing).toEqual([]);
    },
  );

  it.each(providers)("is on every delivery answer (response) of %s/openapi.yaml", (provider) => {
    const document = yamlOf(`${provider}/openapi.yaml`);
    const responses = (document.components?.responses ?? {}) as Record<string, Json>;
    const policies = (document.components?.["x-delivery-policies"] ?? {}) as Record<string, Json>;
    const missing = [
      ...Object.entries(responses).filter(([, r]) => !isSourceList(r[sourceKeyword])),
      ...Object.entries(policies).filter(([, p]) => !isSourceList(p[sourceKeyword])),
    ].map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it("is accepted by the strict Ajv instance and changes no verdict", () => {
    const ajv = createSpecAjv();
    expect(ajv.validate({ [sourceKeyword]: ["somewhere"], type: "string" }, "text")).toBe(true);
    expect(() => ajv.compile({ [sourceKeyword]: [], type: "string" })).toThrow();
  });
});
