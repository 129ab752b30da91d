// The event catalog the landing page shows: every webhook of every provider contract with when it fires, its
// headers, how to verify it, its examples and where the reference pages describe it. Everything is read from
// the specs through a ContractSource; nothing here names an event.
import type { Channel, Provider, WebhookSpec } from "@meeting-webhooks/specs";
import { resolveLocal } from "@meeting-webhooks/specs";
import { asyncApiOperationHash } from "./asyncapi-page.js";
import type { ContractSource, Json } from "./contracts.js";
import { asyncApiPagePath, openApiPagePath } from "./pages.js";
import { redocOperationHash } from "./redoc-page.js";

export interface CatalogHeader {
  name: string;
  required: boolean;
  description: string;
  /** The value's pattern, when the contract gives one. */
  pattern?: string;
  /** A realistic value, from the parameter's `example` or first `examples` entry. */
  example?: string;
}

/** A security scheme of the webhook: which header carries the credential and how to check it. */
export interface Verification {
  scheme: string;
  header: string;
  description: string;
}

export interface CatalogExample {
  name: string;
  summary: string;
  payload: unknown;
}

export interface CatalogEvent {
  /** Unique on the page: `<provider>--<webhook key>`, safe as an HTML id. */
  id: string;
  provider: Provider;
  providerTitle: string;
  /** The key under `webhooks`, e.g. `webhook/bot.completed`. */
  key: string;
  event: string;
  channel: Channel;
  /** Every HTTP method the provider may deliver it with (`POST`, and `PUT` for Meeting BaaS callbacks). */
  methods: string[];
  operationId: string;
  summary: string;
  /** When it fires, in CommonMark as written in the spec. */
  description: string;
  schemaTitle: string;
  headers: CatalogHeader[];
  verification: Verification[];
  /** True when the contract also allows a delivery with no credential (a security requirement `{}`). */
  verificationOptional: boolean;
  examples: CatalogExample[];
  /** Site-relative links to the event in the reference pages. */
  links: { openapi: string; asyncapi: string };
  /** The AsyncAPI operation that receives this event, when one matches. */
  asyncApiOperationId?: string;
}

export interface ProviderCatalog {
  provider: Provider;
  /** The OpenAPI document's `info.title`. */
  title: string;
  /** The OpenAPI document's `info.summary`. */
  summary: string;
  openapi: Json;
  asyncapi: Json;
  events: CatalogEvent[];
}

export const channelLabels: Record<Channel, string> = {
  callback: "Callback",
  webhook: "Account webhook",
};

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function operationOf(openapi: Json, webhook: WebhookSpec): Json {
  const pathItem = resolveLocal(openapi, (openapi.webhooks as Json)[webhook.key]);
  return resolveLocal(openapi, pathItem[webhook.method.toLowerCase()]);
}

function headersOf(openapi: Json, operation: Json): CatalogHeader[] {
  return ((operation.parameters ?? []) as unknown[])
    .map((p) => resolveLocal(openapi, p))
    .filter((p) => p.in === "header")
    .map((p) => {
      const schema = resolveLocal(openapi, p.schema ?? {});
      const examples = Object.values((p.examples ?? {}) as Record<string, Json>).map((e) =>
        resolveLocal(openapi, e),
      );
      const example = p.example ?? examples[0]?.value;
      return {
        name: String(p.name),
        required: p.required === true,
        description: text(p.description),
        ...(typeof schema.pattern === "string" ? { pattern: schema.pattern } : {}),
        ...(example === undefined ? {} : { example: String(example) }),
      };
    });
}

function verificationOf(openapi: Json, operation: Json): { schemes: Verification[]; optional: boolean } {
  const requirements = (operation.security ?? openapi.security ?? []) as Json[];
  const schemes = ((openapi.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
  const names = [...new Set(requirements.flatMap((r) => Object.keys(r)))];
  return {
    schemes: names.map((name) => {
      const scheme = resolveLocal(openapi, schemes[name] ?? {});
      return { scheme: name, header: text(scheme.name), description: text(scheme.description) };
    }),
    optional: requirements.some((r) => Object.keys(r).length === 0),
  };
}

function examplesOf(openapi: Json, operation: Json): CatalogExample[] {
  const body = resolveLocal(openapi, operation.requestBody ?? {});
  const media = ((body.content ?? {}) as Record<string, Json>)["application/json"] ?? {};
  return Object.entries((media.examples ?? {}) as Record<string, Json>).map(([name, node]) => {
    const example = resolveLocal(openapi, node);
    return { name, summary: text(example.summary), payload: example.value };
  });
}

/** The header names an AsyncAPI operation is authenticated by: its own security, else its servers'. */
function asyncApiSecurityHeaders(asyncapi: Json, operation: Json): string[] {
  const channel = resolveLocal(asyncapi, operation.channel ?? {});
  const servers = ((channel.servers as unknown[] | undefined) ?? Object.values(asyncapi.servers ?? {})).map(
    (s) => resolveLocal(asyncapi, s),
  );
  const security = (operation.security as unknown[] | undefined) ?? servers.flatMap((s) => s.security ?? []);
  return (security as unknown[]).map((s) => text(resolveLocal(asyncapi, s).name).toLowerCase());
}

/**
 * The AsyncAPI operation that receives a webhook: the one whose message has the webhook's event name. When the
 * same event arrives on several channels (Meeting BaaS `bot.completed`), the one authenticated by a header the
 * webhook carries.
 */
export function findAsyncApiOperation(asyncapi: Json, webhook: WebhookSpec): string | undefined {
  const operations = Object.entries((asyncapi.operations ?? {}) as Record<string, Json>);
  const receiving = operations.filter(([, operation]) =>
    ((operation.messages ?? []) as unknown[]).some((m) => resolveLocal(asyncapi, m).name === webhook.event),
  );
  if (receiving.length <= 1) return receiving[0]?.[0];
  const headers = new Set(webhook.headers.map((h) => h.name.toLowerCase()));
  const authenticated = receiving.filter(([, operation]) =>
    asyncApiSecurityHeaders(asyncapi, operation).some((h) => headers.has(h)),
  );
  return authenticated.length === 1 ? authenticated[0]?.[0] : undefined;
}

function asyncApiAction(asyncapi: Json, operationId: string): string {
  return text(resolveLocal(asyncapi, (asyncapi.operations as Json)[operationId]).action) || "receive";
}

function catalogEvent(
  provider: Provider,
  providerTitle: string,
  openapi: Json,
  asyncapi: Json,
  webhook: WebhookSpec,
): CatalogEvent {
  const operation = operationOf(openapi, webhook);
  const { schemes, optional } = verificationOf(openapi, operation);
  const tags = (operation.tags ?? []) as string[];
  const asyncApiOperationId = findAsyncApiOperation(asyncapi, webhook);
  return {
    id: `${provider}--${webhook.key}`.replace(/[^A-Za-z0-9_.-]+/g, "-"),
    provider,
    providerTitle,
    key: webhook.key,
    event: webhook.event,
    channel: webhook.channel,
    methods: webhook.methods,
    operationId: webhook.operationId,
    summary: webhook.summary,
    description: webhook.description.trim(),
    schemaTitle: webhook.schemaTitle,
    headers: headersOf(openapi, operation),
    verification: schemes,
    verificationOptional: optional,
    examples: examplesOf(openapi, operation),
    links: {
      openapi: `${openApiPagePath(provider)}${redocOperationHash(tags[0], webhook.operationId)}`,
      asyncapi: `${asyncApiPagePath(provider)}${asyncApiOperationId ? asyncApiOperationHash(asyncApiAction(asyncapi, asyncApiOperationId), asyncApiOperationId) : ""}`,
    },
    ...(asyncApiOperationId ? { asyncApiOperationId } : {}),
  };
}

/** The catalog of every provider, in the order of `source.providers`, events in the order of each spec. */
export function loadEventCatalog(source: ContractSource): ProviderCatalog[] {
  return source.providers.map((provider) => {
    const openapi = source.bundleOpenApi(provider);
    const asyncapi = source.bundleAsyncApi(provider);
    const info = (openapi.info ?? {}) as Json;
    const title = text(info.title) || provider;
    return {
      provider,
      title,
      summary: text(info.summary),
      openapi,
      asyncapi,
      events: source
        .loadWebhooks(provider)
        .map((webhook) => catalogEvent(provider, title, openapi, asyncapi, webhook)),
    };
  });
}
