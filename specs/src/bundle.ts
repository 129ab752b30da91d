// Self-contained copies of the contracts for tools that cannot follow our file layout: every external schema
// file becomes `components.schemas.<title>` and every `externalValue` example is inlined as `value`.
// Names come from schema titles, so generated type names are the domain names (`BotCompleted`), not file names.
import { dirname, relative, resolve } from "node:path";
import { apiPath, asyncApiPath, openApiPath, readJson, readYaml, specsDir } from "./catalog.js";
import type { Provider } from "./providers.js";

type Json = Record<string, unknown>;

export class BundleError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly pointer: string,
  ) {
    super(`${message} (${relative(specsDir, file)}#${pointer})`);
    this.name = "BundleError";
  }
}

interface BundleState {
  /** title → absolute file, to refuse two different files with one title. */
  fileByTitle: Map<string, string>;
  schemas: Record<string, unknown>;
  /** Where hoisted schemas are referenced from: `#/components/schemas/` for both OpenAPI and AsyncAPI. */
  refPrefix: string;
}

function hoistSchemaFile(file: string, state: BundleState): string {
  const schema = readJson(file) as Json;
  const title = schema.title;
  if (typeof title !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(title)) {
    throw new BundleError("A schema file needs a PascalCase `title`; it names the type", file, "/title");
  }
  const known = state.fileByTitle.get(title);
  if (known && known !== file) {
    throw new BundleError(`Title ${title} is already used by ${relative(specsDir, known)}`, file, "/title");
  }
  if (!known) {
    state.fileByTitle.set(title, file);
    state.schemas[title] = {}; // reserve first: recursive refs terminate
    state.schemas[title] = rewrite(schema, dirname(file), file, "", state);
  }
  return `${state.refPrefix}${title}`;
}

function rewrite(node: unknown, base: string, file: string, pointer: string, state: BundleState): unknown {
  if (Array.isArray(node)) return node.map((item, i) => rewrite(item, base, file, `${pointer}/${i}`, state));
  if (node === null || typeof node !== "object") return node;
  // AsyncAPI examples point at example files with `$ref`: those are data, inlined as they are.
  if (isRef(node) && pointsToExample(node.$ref)) return readJson(resolve(base, node.$ref));
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    const here = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) {
      if (value.includes("#")) {
        throw new BundleError("Reference whole schema files, not fragments of them", file, here);
      }
      out.$ref = hoistSchemaFile(resolve(base, value), state);
    } else if (key === "externalValue" && typeof value === "string") {
      out.value = readJson(resolve(base, value));
    } else {
      out[key] = rewrite(value, base, file, here, state);
    }
  }
  return out;
}

function isRef(value: unknown): value is { $ref: string } {
  return typeof value === "object" && value !== null && typeof (value as Json).$ref === "string";
}

function pointsToExample(ref: string): boolean {
  return !ref.startsWith("#") && /(^|\/)examples\//.test(ref);
}

/** Any OpenAPI or AsyncAPI document of the specs folder, bundled (e.g. `specs/receiver/openapi.yaml`). */
export function bundleDocument(file: string): Json {
  const doc = readYaml(file);
  const state: BundleState = { fileByTitle: new Map(), schemas: {}, refPrefix: "#/components/schemas/" };
  const components = { ...((doc.components ?? {}) as Json) };
  const named = { ...((components.schemas ?? {}) as Json) };
  // Named entries that only point at a file take the file's title as their name.
  for (const [name, value] of Object.entries(named)) {
    if (isRef(value) && !value.$ref.startsWith("#")) {
      const ref = hoistSchemaFile(resolve(dirname(file), value.$ref), state);
      const title = ref.slice(state.refPrefix.length);
      if (title !== name) {
        throw new BundleError(
          `components.schemas.${name} must be named after its title ${title}`,
          file,
          `/components/schemas/${name}`,
        );
      }
      delete named[name];
    }
  }
  const rewritten = rewrite(
    { ...doc, components: { ...components, schemas: named } },
    dirname(file),
    file,
    "",
    state,
  ) as Json;
  const rewrittenComponents = rewritten.components as Json;
  rewrittenComponents.schemas = { ...(rewrittenComponents.schemas as Json), ...state.schemas };
  return rewritten;
}

/** The provider's OpenAPI document with every schema under `components.schemas` and examples inlined. */
export function bundleOpenApi(provider: Provider): Json {
  return bundleDocument(openApiPath(provider));
}

/** The provider's AsyncAPI document, bundled the same way. */
export function bundleAsyncApi(provider: Provider): Json {
  return bundleDocument(asyncApiPath(provider));
}

/** The provider's API document (`api.yaml`: what a webhook consumer calls next), bundled the same way. */
export function bundleApi(provider: Provider): Json {
  return bundleDocument(apiPath(provider));
}
