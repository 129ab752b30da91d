// One Ajv instance that knows every schema file of every contract, so validators, tests and generators agree on
// how the files' relative `$ref`s resolve. Schemas carry no `$id` of their own; their id is their path.

import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { listJsonFiles, readJson, specsDir } from "./catalog.js";
import { formats } from "./formats.js";
import { providers } from "./providers.js";

/** Base URI of the schema ids. `.invalid` is reserved: nothing is ever fetched from it. */
export const schemaIdBase = "https://meeting-webhooks.invalid/specs/";

export function schemaId(schemaPath: string): string {
  return schemaIdBase + schemaPath;
}

export interface AjvOptions {
  /** Generate code for standalone export (used by the runtime validators' generator). */
  code?: { source?: boolean; esm?: boolean; lines?: boolean; optimize?: boolean };
}

export function createSpecAjv(options: AjvOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    verbose: true,
    ...(options.code ? { code: options.code } : {}),
  });
  addSpecFormats(ajv);
  addSpecKeywords(ajv);
  for (const path of allSchemaPaths()) {
    ajv.addSchema(readJson(join(specsDir, path)) as object, schemaId(path));
  }
  return ajv;
}

export function allSchemaPaths(): string[] {
  const common = ["common/problem.json"];
  return [...common, ...providers.flatMap((provider) => listJsonFiles(provider, "schemas"))];
}

export function validatorFor(ajv: Ajv2020, schemaPath: string): ValidateFunction {
  const validate = ajv.getSchema(schemaId(schemaPath));
  if (!validate) throw new Error(`No schema ${schemaPath}`);
  return validate;
}

export type { ErrorObject, ValidateFunction };

/**
 * `x-source` says where a schema's facts come from (specs/README.md, "Sources"): a list of pages or files. It is an
 * annotation, so it never changes a verdict, but strict mode refuses unknown keywords unless they are declared.
 */
export const sourceKeyword = "x-source";

/** Declares the contracts' annotation keywords (`x-source`) on an Ajv instance in strict mode. */
export function addSpecKeywords(ajv: Ajv2020): void {
  if (!ajv.getKeyword(sourceKeyword)) {
    ajv.addKeyword({
      keyword: sourceKeyword,
      schemaType: "array",
      metaSchema: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    });
  }
}

/** Registers the contracts' string formats (see formats.ts) on an Ajv instance. */
export function addSpecFormats(ajv: Ajv2020): void {
  for (const [name, definition] of Object.entries(formats)) ajv.addFormat(name, definition);
}
