// The event catalog: what each provider contract declares, read from the OpenAPI documents themselves so that
// adding a webhook to a spec is all it takes for generators, tests and docs to pick it up.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { type Channel, type Provider, providerInfo } from "./providers.js";

export interface HeaderSpec {
  name: string;
  required: boolean;
  description: string;
  schema: Record<string, unknown>;
}

export interface WebhookSpec {
  provider: Provider;
  /** The key under `webhooks` in the OpenAPI document, e.g. `webhook/bot.completed`. */
  key: string;
  channel: Channel;
  /** The provider's own event name: `meeting_agent_complete`, `bot.completed`. */
  event: string;
  /** The first HTTP method the contract declares for the webhook (`POST`); `methods` lists them all. */
  method: string;
  /**
   * Every HTTP method the provider may deliver the webhook with, in document order: `["POST", "PUT"]` for Meeting
   * BaaS callbacks, whose `callback_config.method` may be `PUT`. All of them carry the same payload and headers.
   */
  methods: string[];
  /** The operationId of the first method's operation. */
  operationId: string;
  summary: string;
  description: string;
  /** Absolute path of the payload schema file. */
  schemaFile: string;
  /** Schema file path relative to the specs folder, e.g. `meetingbaas/schemas/bot.completed.json`. */
  schemaPath: string;
  /** The schema's `title`, used as its type name. */
  schemaTitle: string;
  headers: HeaderSpec[];
  /** Absolute paths of the example payload files referenced by the webhook. */
  examples: string[];
}

export interface ArtifactSpec {
  provider: Provider;
  /** Name under `components.schemas`. */
  name: string;
  schemaFile: string;
  schemaPath: string;
  description: string;
}

/** Absolute path of the `specs/` folder. */
export const specsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

type Json = Record<string, unknown>;

/** Absolute path of a provider's contract folder (`specs/<provider>/`). */
export function providerSpecsDir(provider: Provider): string {
  return join(specsDir, providerInfo[provider].specFolder);
}

export function openApiPath(provider: Provider): string {
  return join(providerSpecsDir(provider), "openapi.yaml");
}

export function asyncApiPath(provider: Provider): string {
  return join(providerSpecsDir(provider), "asyncapi.yaml");
}

/** The provider's HTTP API as far as a webhook consumer calls it next (artifact downloads, re-sending). */
export function apiPath(provider: Provider): string {
  return join(providerSpecsDir(provider), "api.yaml");
}

export function readYaml(file: string): Json {
  return parseYaml(readFileSync(file, "utf8")) as Json;
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Follows local `#/…` references of a document until it reaches an object that is not one. */
export function resolveLocal(doc: Json, node: unknown): Json {
  let current = node as Json;
  const seen = new Set<string>();
  while (current && typeof current.$ref === "string" && current.$ref.startsWith("#/")) {
    const ref = current.$ref;
    if (seen.has(ref)) throw new Error(`Circular $ref ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (obj, key) => (obj as Json | undefined)?.[key.replace(/~1/g, "/").replace(/~0/g, "~")],
        doc,
      ) as Json;
    if (current === undefined) throw new Error(`Unresolved $ref ${ref}`);
  }
  return current;
}

function fileRef(doc: Json, node: unknown, base: string): string {
  const resolved = resolveLocal(doc, node);
  if (typeof resolved?.$ref !== "string") throw new Error(`Expected a $ref to a schema file in ${base}`);
  return resolve(base, resolved.$ref);
}

export function loadWebhooks(provider: Provider): WebhookSpec[] {
  const file = openApiPath(provider);
  const base = dirname(file);
  const doc = readYaml(file);
  const webhooks = (doc.webhooks ?? {}) as Record<string, Json>;
  const result: WebhookSpec[] = [];
  for (const [key, pathItem] of Object.entries(webhooks)) {
    const methods = Object.keys(pathItem).filter((method) => ["post", "put"].includes(method));
    const [method] = methods;
    if (method === undefined) continue;
    const payloadFileOf = (name: string): string => {
      const requestBody = resolveLocal(doc, (pathItem[name] as Json).requestBody);
      const content = (requestBody.content as Record<string, Json>)["application/json"];
      if (!content) throw new Error(`${provider} ${key}: request body has no application/json content`);
      return fileRef(doc, content.schema, base);
    };
    // One webhook, several methods: the same delivery whichever method the provider was configured with.
    const schemaFile = payloadFileOf(method);
    for (const other of methods.slice(1)) {
      if (payloadFileOf(other) !== schemaFile) {
        throw new Error(`${provider} ${key}: ${other} and ${method} must deliver the same payload schema`);
      }
    }
    const operation = pathItem[method] as Json;
    const requestBody = resolveLocal(doc, operation.requestBody);
    const content = (requestBody.content as Record<string, Json>)["application/json"] as Json;
    const schema = readJson(schemaFile) as Json;
    const examples = Object.values((content.examples ?? {}) as Record<string, Json>).map((example) => {
      const resolved = resolveLocal(doc, example);
      if (typeof resolved.externalValue !== "string") {
        throw new Error(`${provider} ${key}: examples must use externalValue (specs/README.md)`);
      }
      return resolve(base, resolved.externalValue);
    });
    const headers = ((operation.parameters ?? []) as unknown[])
      .map((p) => resolveLocal(doc, p))
      .filter((p) => p.in === "header")
      .map((p) => ({
        name: String(p.name),
        required: p.required === true,
        description: String(p.description ?? ""),
        schema: (p.schema ?? {}) as Json,
      }));
    const slash = key.indexOf("/");
    result.push({
      provider,
      key,
      channel: slash === -1 ? "callback" : (key.slice(0, slash) as Channel),
      event: slash === -1 ? key : key.slice(slash + 1),
      method: method.toUpperCase(),
      methods: methods.map((m) => m.toUpperCase()),
      operationId: String(operation.operationId),
      summary: String(operation.summary ?? ""),
      description: String(operation.description ?? ""),
      schemaFile,
      schemaPath: relative(specsDir, schemaFile),
      schemaTitle: String(schema.title ?? ""),
      headers,
      examples,
    });
  }
  return result;
}

/**
 * The envelope schema of a provider's channel, relative to the specs folder: what every delivery on that channel has
 * in common, checked before the event is looked up (`<provider>/schemas/envelope/<channel>.json`).
 */
export function envelopeSchemaPath(provider: Provider, channel: Channel): string {
  return `${provider}/schemas/envelope/${channel}.json`;
}

/** The channels a provider's contract declares webhooks on, in document order. */
export function channelsOf(provider: Provider): Channel[] {
  return [...new Set(loadWebhooks(provider).map((webhook) => webhook.channel))];
}

/** Named schemas that are not webhook payloads: artifact formats and shared open lists. */
export function loadNamedSchemas(provider: Provider): ArtifactSpec[] {
  const file = openApiPath(provider);
  const base = dirname(file);
  const doc = readYaml(file);
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  return Object.entries(schemas).map(([name, node]) => {
    const schemaFile = typeof node.$ref === "string" ? resolve(base, node.$ref) : file;
    const schema = schemaFile === file ? node : (readJson(schemaFile) as Json);
    return {
      provider,
      name,
      schemaFile,
      schemaPath: relative(specsDir, schemaFile),
      description: String(schema.description ?? ""),
    };
  });
}

/** Every JSON file under `<provider>/<folder>`, relative to the specs folder. */
export function listJsonFiles(provider: Provider, folder: "schemas" | "examples"): string[] {
  const root = join(providerSpecsDir(provider), folder);
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => relative(specsDir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * The schema an example file illustrates: `examples/bot.completed--no-artifacts.json` illustrates
 * `schemas/bot.completed.json`; the part after `--` names the case.
 */
export function schemaPathForExample(examplePath: string): string {
  const parts = examplePath.split("/");
  const provider = parts[0];
  const rest = parts.slice(2);
  const fileName = rest.pop() ?? "";
  const base = fileName.replace(/\.json$/, "").split("--")[0];
  return [provider, "schemas", ...rest, `${base}.json`].join("/");
}
