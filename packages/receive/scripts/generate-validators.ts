// Compiles every payload schema of both contracts ahead of time into standalone Ajv code, so a receiver never
// compiles a schema at run time (no `new Function`, which edge runtimes forbid, and no start-up cost).
//
// Two variants per schema:
// - `lenient`: the contract as written (unknown properties allowed, open lists accept any string). Deciding
//   validity uses this one.
// - `strict`: every object with declared properties closed (`additionalProperties: false`) and every open list cut
//   to its known values. Whatever `strict` rejects and `lenient` accepts is drift: the provider sent something the
//   contract does not know yet.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addSpecFormats,
  allSchemaPaths,
  channelsOf,
  envelopeSchemaPath,
  type GeneratedFile,
  generatedHeader,
  loadWebhooks,
  openListValues,
  providers,
  readJson,
  runGenerator,
  specsDir,
} from "@meeting-webhooks/specs";
import { _ } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneModule from "ajv/dist/standalone/index.js";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// CommonJS with a default export; under NodeNext it arrives as the module object.
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

type Json = Record<string, unknown>;
export type Variant = "lenient" | "strict";

const idBase: Record<Variant, string> = {
  lenient: "https://meeting-webhooks.invalid/lenient/",
  strict: "https://meeting-webhooks.invalid/strict/",
};

/** Keywords that only document; dropping them keeps the generated code small and changes no verdict. */
const annotations = new Set(["title", "description", "examples", "$comment", "deprecated"]);

/** The schema with its annotations removed, and for `strict` closed objects and closed open lists. */
export function transformSchema(node: unknown, variant: Variant, inContains = false, path = ""): unknown {
  if (Array.isArray(node)) return node.map((item) => transformSchema(item, variant, inContains, path));
  if (node === null || typeof node !== "object") return node;
  const schema = node as Json;
  if (variant === "strict") {
    const open = openListValues(schema);
    if (open) {
      const known: Json = { type: "string", enum: open.values };
      return open.nullable ? { anyOf: [known, { type: "null" }] } : known;
    }
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (annotations.has(key) && typeof value !== "object") continue;
    // Specification extensions (`x-source`) only document, like the annotations above.
    if (key.startsWith("x-")) continue;
    if (key === "properties" || key === "$defs" || key === "patternProperties") {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([name, sub]) => [
          name,
          transformSchema(sub, variant, inContains, path),
        ]),
      );
    } else if (key === "contains" || key === "if" || key === "then" || key === "else") {
      // `contains` picks one item among many by a few fields, and a conditional adds rules about a few fields to the
      // object around it: they must stay open.
      out[key] = transformSchema(value, variant, true, path);
    } else if (
      key === "$ref" &&
      inContains &&
      variant === "strict" &&
      typeof value === "string" &&
      !value.startsWith("#")
    ) {
      // What `contains` refers to is matched leniently too, or an unknown value would also fail the `contains`.
      out[key] = new URL(value, idBase.lenient + path).href;
    } else if (key === "enum" || key === "const" || key === "required") {
      out[key] = value;
    } else {
      out[key] = transformSchema(value, variant, inContains, path);
    }
  }
  if (variant === "strict" && !inContains && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** Export name of a schema's validator: `strict_meetingbaas_schemas_bot_completed`. */
export function exportName(variant: Variant, schemaPath: string): string {
  return `${variant}_${schemaPath.replace(/\.json$/, "").replace(/[^A-Za-z0-9]+/g, "_")}`;
}

/**
 * The schemas a receiver validates: every channel's envelope, every webhook payload, and the artifact formats behind
 * the download URLs.
 */
export function entrySchemaPaths(): string[] {
  const paths = new Set<string>();
  for (const provider of providers) {
    for (const channel of channelsOf(provider)) paths.add(envelopeSchemaPath(provider, channel));
    for (const webhook of loadWebhooks(provider)) paths.add(webhook.schemaPath);
  }
  for (const path of allSchemaPaths()) {
    if (/\/(artifacts\/[^/]+|transcript)\.json$/.test(path)) paths.add(path);
  }
  return [...paths].sort();
}

export function generateValidatorsSource(): string {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    inlineRefs: false,
    // The formats are the contracts' own (specs/src/formats.ts), imported by the generated code.
    code: {
      source: true,
      esm: true,
      lines: true,
      formats: _`require("@meeting-webhooks/specs/formats").formats`,
    },
  });
  addSpecFormats(ajv);
  for (const variant of ["lenient", "strict"] as const) {
    for (const path of allSchemaPaths()) {
      ajv.addSchema(
        transformSchema(readJson(join(specsDir, path)), variant, false, path) as object,
        idBase[variant] + path,
      );
    }
  }
  const exports: Record<string, string> = {};
  for (const path of entrySchemaPaths()) {
    for (const variant of ["lenient", "strict"] as const) {
      exports[exportName(variant, path)] = idBase[variant] + path;
    }
  }
  const code = standaloneCode(ajv, exports);
  // Ajv's standalone code reaches its runtime helpers with `require` even in ESM mode. The formats and the one
  // helper the contracts need come from @meeting-webhooks/specs/formats (an ES module with a default export), so
  // the generated module is pure ESM for Node, bundlers and edge runtimes. Anything else is a generator error.
  const body = code
    .replaceAll('require("@meeting-webhooks/specs/formats")', "specFormats")
    .replaceAll('require("ajv/dist/runtime/ucs2length").default', "specFormats.ucs2length");
  const leftover = /require\("[^"]+"\)/.exec(body);
  if (leftover) throw new Error(`Generated validators need ${leftover[0]}: map it in generate-validators.ts`);
  const imports = 'import specFormats from "@meeting-webhooks/specs/formats";';
  const header = generatedHeader("npm run generate -w @meeting-webhooks/receive", [
    "specs/*/schemas/**/*.json",
  ]);
  return `${header}// @ts-nocheck\n/* eslint-disable */\n${imports}\n${body.replace(/^"use strict";/, "")}\n`;
}

/** The generated module's companion: which export validates which schema, typed. */
export function generateIndexSource(): string {
  const header = generatedHeader("npm run generate -w @meeting-webhooks/receive", ["specs/*/openapi.yaml"]);
  const lines = [
    header,
    'import * as generated from "./validators.gen.js";',
    'import type { CompiledValidator } from "./validator-types.js";',
    "",
    "/** Schema path (relative to `specs/`) → its lenient and strict validators. */",
    "export const validators: Record<string, { lenient: CompiledValidator; strict: CompiledValidator }> = {",
  ];
  for (const path of entrySchemaPaths()) {
    lines.push(
      `  ${JSON.stringify(path)}: {`,
      `    lenient: generated.${exportName("lenient", path)} as CompiledValidator,`,
      `    strict: generated.${exportName("strict", path)} as CompiledValidator,`,
      "  },",
    );
  }
  lines.push("};", "");
  lines.push("/** Event name → schema path, per provider and channel, as the contracts declare them. */");
  lines.push("export const eventSchemas = {");
  for (const provider of providers) {
    lines.push(`  ${provider}: {`);
    for (const webhook of loadWebhooks(provider)) {
      lines.push(
        `    ${JSON.stringify(`${webhook.channel}/${webhook.event}`)}: ${JSON.stringify(webhook.schemaPath)},`,
      );
    }
    lines.push("  },");
  }
  lines.push("} as const;", "");
  lines.push("/** Provider → channel → the envelope schema every delivery on that channel must match. */");
  lines.push("export const envelopeSchemas = {");
  for (const provider of providers) {
    lines.push(`  ${provider}: {`);
    for (const channel of channelsOf(provider)) {
      lines.push(`    ${channel}: ${JSON.stringify(envelopeSchemaPath(provider, channel))},`);
    }
    lines.push("  },");
  }
  lines.push("} as const;", "");
  return lines.join("\n");
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: join(packageDir, "src", "validators.gen.ts"), contents: generateValidatorsSource() },
    { path: join(packageDir, "src", "schemas.gen.ts"), contents: generateIndexSource() },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runGenerator("generate-validators", packageDir, generatedFiles());
}
