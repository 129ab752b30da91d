// Helpers for the drift tests: examples to build captures from, a scratch copy of the specs folder (removed after
// each test), validators compiled from a specs folder, and biome's verdict on a written file.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addSpecFormats, schemaPathForExample, specsDir } from "@meeting-webhooks/specs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach } from "vitest";

export const repoRoot = resolve(import.meta.dirname, "..", "..", "..");

export function example(provider: string, name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(specsDir, provider, "examples", `${name}.json`), "utf8"));
}

/** Every example of a provider: [path relative to specs/, payload]. */
export function examples(provider: string): [string, unknown][] {
  return readdirSync(join(specsDir, provider, "examples"))
    .filter((name) => name.endsWith(".json"))
    .map((name) => [
      `${provider}/examples/${name}`,
      JSON.parse(readFileSync(join(specsDir, provider, "examples", name), "utf8")),
    ]);
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of specs/ (contracts only) that is removed after the test, pass or fail. */
export function specsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-drift-test-"));
  scratch.push(dir);
  for (const folder of ["cronofy", "meetingbaas", "common"])
    cpSync(join(specsDir, folder), join(dir, folder), { recursive: true });
  return dir;
}

/** A scratch folder removed after the test. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-drift-test-"));
  scratch.push(dir);
  return dir;
}

function schemaFiles(dir: string, folder: string): string[] {
  return readdirSync(join(dir, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".json"))
    .map((name) => `${folder}/${name}`);
}

/** Validates payloads against the schema files of a specs folder, as the receivers' validators do (lenient). */
export function validatorsOf(dir: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addSpecFormats(ajv);
  for (const path of [...schemaFiles(dir, "cronofy/schemas"), ...schemaFiles(dir, "meetingbaas/schemas")])
    ajv.addSchema(JSON.parse(readFileSync(join(dir, path), "utf8")), `https://specs.invalid/${path}`);
  return (schemaPath: string, payload: unknown) => {
    const validate = ajv.getSchema(`https://specs.invalid/${schemaPath}`);
    if (!validate) return [`no schema file ${schemaPath}`];
    return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

export { schemaPathForExample };

/** The text as biome formats it with the repository's settings. */
export function biomeFormat(text: string, name: string): string {
  return execFileSync(
    join(repoRoot, "node_modules", ".bin", "biome"),
    ["format", `--stdin-file-path=specs/${name}`],
    {
      cwd: repoRoot,
      input: text,
      encoding: "utf8",
    },
  );
}

/** Every string in a value, at any depth. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}
