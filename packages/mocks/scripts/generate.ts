// Generates what the mocks read from the contracts, so a test double cannot drift from them:
// - src/contract.gen.ts: the webhook catalog (which events exist, per provider and channel, and the HTTP methods
//   they come with), the providers' delivery policies (`components.x-delivery-policies` of each `openapi.yaml`: how
//   they retry), and the route table of the provider HTTP surfaces in `specs/<provider>/api.yaml` (method, servers,
//   a URL pattern for MSW, response content types and schemas).
// - prism/<provider>.gen.yaml: self-contained copies of `api.yaml` for Prism, which cannot follow our file layout.
// - prism/receiver.gen.yaml: the receiver contract. Prism ignores `webhooks`, so each webhook becomes an ordinary
//   operation `POST /webhooks/<provider>/<channel>/<event>` with the same headers and body schema.
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import {
  apiPath,
  bundleApi,
  bundleOpenApi,
  type GeneratedFile,
  generatedHeader,
  loadWebhooks,
  type Provider,
  providerInfo,
  providers,
  readJson,
  readYaml,
  resolveLocal,
  runGenerator,
  specsDir,
} from "@meeting-webhooks/specs";
import { stringify } from "yaml";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const command = "npm run generate -w @meeting-webhooks/mocks";
type Json = Record<string, unknown>;

const httpMethods = ["get", "put", "post", "delete", "patch", "head", "options"];

/** The schema file (relative to specs/) a media type's schema ends at, if it is a file. */
function schemaFileOf(doc: Json, file: string, schema: unknown): string | undefined {
  const resolved = resolveLocal(doc, schema);
  if (typeof resolved?.$ref !== "string") return undefined;
  return relative(specsDir, resolve(dirname(file), resolved.$ref));
}

/** Server URLs with every enum value of their variables expanded. */
function serverUrls(servers: unknown): string[] {
  return ((servers ?? []) as Json[]).flatMap((server) => {
    let urls = [String(server.url)];
    for (const [name, variable] of Object.entries((server.variables ?? {}) as Record<string, Json>)) {
      const values = (variable.enum as string[] | undefined) ?? [String(variable.default)];
      urls = urls.flatMap((url) => values.map((value) => url.replace(`{${name}}`, value)));
    }
    return urls;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export interface RouteResponse {
  contentType?: string;
  schemaPath?: string;
}

export interface Route {
  provider: Provider;
  operationId: string;
  method: string;
  path: string;
  servers: string[];
  /** One regular expression for every server's URL, path parameters as named groups: one MSW handler per route. */
  pattern: string;
  responses: Record<string, RouteResponse>;
}

export function apiRoutes(provider: Provider): Route[] {
  const file = apiPath(provider);
  const doc = readYaml(file);
  const routes: Route[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths as Json)) {
    const item = rawItem as Json;
    const servers = serverUrls(item.servers ?? doc.servers);
    for (const method of httpMethods) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const responses: Record<string, RouteResponse> = {};
      for (const [status, rawResponse] of Object.entries(operation.responses as Json)) {
        const response = resolveLocal(doc, rawResponse);
        const [contentType, media] =
          Object.entries((response.content ?? {}) as Record<string, Json>)[0] ?? [];
        const schemaPath = media ? schemaFileOf(doc, file, media.schema) : undefined;
        responses[status] = {
          ...(contentType ? { contentType } : {}),
          ...(schemaPath ? { schemaPath } : {}),
        };
      }
      routes.push({
        provider,
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        path,
        servers,
        pattern: `^(?:${servers.map(escapeRegExp).join("|")})${escapeRegExp(path).replace(/\\\{([^}\\]+)\\\}/g, "(?<$1>[^/]+)")}$`,
        responses,
      });
    }
  }
  return routes;
}

export function generateContractSource(): string {
  const catalog = providers.flatMap((provider) =>
    loadWebhooks(provider).map((webhook) => ({
      provider,
      channel: webhook.channel,
      event: webhook.event,
      methods: webhook.methods,
      operationId: webhook.operationId,
      schemaPath: webhook.schemaPath,
      receiverPath: receiverPath(provider, webhook.channel, webhook.event),
    })),
  );
  const routes = Object.fromEntries(
    providers.flatMap((provider) => apiRoutes(provider).map((route) => [route.operationId, route])),
  );
  const policies = Object.fromEntries(providers.map((provider) => [provider, deliveryPolicies(provider)]));
  return [
    generatedHeader(command, ["specs/*/openapi.yaml", "specs/*/api.yaml"]).trimEnd(),
    "",
    "/** Every webhook the contracts declare: provider, channel, the provider's event name and its schema. */",
    `export const webhookCatalog = ${JSON.stringify(catalog, null, 2)} as const;`,
    "",
    "/**",
    " * How each provider delivers and retries, per channel: `components.x-delivery-policies` of its `openapi.yaml`",
    " * (descriptions left out; `x-source` kept as `sources`, so a tool can cite the statement it applies). A provider",
    " * that publishes none has none here.",
    " */",
    `export const deliveryPolicies = ${JSON.stringify(policies, null, 2)} as const;`,
    "",
    "/** The provider HTTP surfaces of `specs/<provider>/api.yaml`, by operationId. */",
    `export const apiRoutes = ${JSON.stringify(routes, null, 2)} as const;`,
    "",
  ].join("\n");
}

/**
 * A provider's delivery policies without their prose (`description`, other `x-…` keys), each with the `x-source` of
 * its statement as `sources`.
 */
export function deliveryPolicies(provider: Provider): Json {
  const doc = readYaml(join(specsDir, provider, "openapi.yaml"));
  const policies = ((doc.components as Json | undefined)?.["x-delivery-policies"] ?? {}) as Record<
    string,
    Json
  >;
  return Object.fromEntries(
    Object.entries(policies).map(([channel, policy]) => [
      channel,
      {
        ...Object.fromEntries(
          Object.entries(policy).filter(([key]) => key !== "description" && !key.startsWith("x-")),
        ),
        sources: policy["x-source"] ?? [],
      },
    ]),
  );
}

/**
 * `src/conformance/examples.gen.ts`: every example payload a webhook of the contracts references, once per file with
 * the channels it is sent on (Meeting BaaS callbacks and webhooks share their bot.completed and bot.failed examples),
 * so that a conformance run sends the contracts' own examples without reading the specs at run time.
 */
export function generateExamplesSource(): string {
  const byFile = new Map<
    string,
    { provider: Provider; channels: string[]; event: string; file: string; payload: unknown }
  >();
  for (const provider of providers) {
    for (const webhook of loadWebhooks(provider)) {
      for (const path of webhook.examples) {
        const file = relative(specsDir, path);
        const known = byFile.get(file);
        if (known) known.channels.push(webhook.channel);
        else
          byFile.set(file, {
            provider,
            channels: [webhook.channel],
            event: webhook.event,
            file,
            payload: readJson(path),
          });
      }
    }
  }
  return [
    generatedHeader(command, ["specs/*/openapi.yaml", "specs/*/examples/*.json"]).trimEnd(),
    "",
    'import type { Channel, Provider } from "@meeting-webhooks/types";',
    "",
    "export interface WebhookExample {",
    "  provider: Provider;",
    "  /** The channels the example's webhook is delivered on. */",
    "  channels: readonly Channel[];",
    "  /** The provider's event name. */",
    "  event: string;",
    "  /** The example file, relative to `specs/`. */",
    "  file: string;",
    "  payload: unknown;",
    "}",
    "",
    "/** Every example payload the contracts' webhooks reference, once each, in document order. */",
    `export const webhookExamples: readonly WebhookExample[] = ${JSON.stringify([...byFile.values()], null, 2)};`,
    "",
  ].join("\n");
}

export function receiverPath(provider: Provider, channel: string, event: string): string {
  return `/webhooks/${provider}/${channel}/${event}`;
}

function yamlHeader(sources: string[]): string {
  return generatedHeader(command, sources).replace(/^\/\//, "#");
}

export function generatePrismApi(provider: Provider): string {
  return yamlHeader([`specs/${provider}/api.yaml`]) + stringify(bundleApi(provider), { lineWidth: 0 });
}

/** A copy of `node` with every local reference outside `components.schemas` replaced by what it points at. */
function inlineRefs(doc: Json, node: unknown, inlined = new Map<string, unknown>()): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(doc, item, inlined));
  if (node === null || typeof node !== "object") return node;
  const ref = (node as Json).$ref;
  if (typeof ref === "string" && ref.startsWith("#/") && !ref.startsWith("#/components/schemas/")) {
    // One object per target, so that what several operations share is written once (a YAML anchor), not per use.
    if (!inlined.has(ref)) inlined.set(ref, inlineRefs(doc, resolveLocal(doc, node), inlined));
    return inlined.get(ref);
  }
  return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, inlineRefs(doc, v, inlined)]));
}

export function receiverContract(): Json {
  const paths: Json = {};
  const schemas: Json = {};
  const securitySchemes: Json = {};
  const tags: Json[] = [];
  for (const provider of providers) {
    const doc = bundleOpenApi(provider);
    const components = doc.components as Json;
    for (const [name, schema] of Object.entries(components.schemas as Json)) {
      if (name in schemas && !isDeepStrictEqual(schemas[name], schema)) {
        throw new Error(`Both contracts define a different schema named ${name}: rename one`);
      }
      schemas[name] = schema;
    }
    Object.assign(securitySchemes, components.securitySchemes);
    tags.push(...((doc.tags ?? []) as Json[]));
    const inlined = new Map<string, unknown>();
    for (const webhook of loadWebhooks(provider)) {
      const item = (doc.webhooks as Json)[webhook.key] as Json;
      // Every method the contract declares (Meeting BaaS callbacks: POST and PUT), each its own operation.
      paths[receiverPath(provider, webhook.channel, webhook.event)] = Object.fromEntries(
        webhook.methods.map((method) => [
          method.toLowerCase(),
          inlineRefs(doc, item[method.toLowerCase()], inlined),
        ]),
      );
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `Receiver contract: what ${providers.map((provider) => providerInfo[provider].displayName).join(" and ")} send to your endpoints`,
      version: "0.1.0",
      description:
        "Each webhook of `specs/<provider>/openapi.yaml` as an ordinary operation, " +
        "`POST /webhooks/<provider>/<channel>/<event>` with the same signature headers and payload schema, " +
        "because Prism mocks and proxies only `paths`. `prism proxy --errors` over this document in front of a " +
        "receiver refuses any request that breaks the contract, with the violation.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "http://127.0.0.1:4012", description: "`meeting-webhooks mock`" }],
    tags,
    paths,
    components: { securitySchemes, schemas },
  };
}

export function generatePrismReceiver(): string {
  return yamlHeader(["specs/*/openapi.yaml"]) + stringify(receiverContract(), { lineWidth: 0 });
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: join(packageDir, "src", "contract.gen.ts"), contents: generateContractSource() },
    { path: join(packageDir, "src", "conformance", "examples.gen.ts"), contents: generateExamplesSource() },
    ...providers.map((provider) => ({
      path: join(packageDir, "prism", `${provider}.gen.yaml`),
      contents: generatePrismApi(provider),
    })),
    { path: join(packageDir, "prism", "receiver.gen.yaml"), contents: generatePrismReceiver() },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runGenerator("generate-mocks", packageDir, generatedFiles());
}
