// The one list of providers and their channels. Everything that enumerates providers (the CLI's `--provider`, the
// inbox, the receiver's registry, the catalog) imports it from `@meeting-webhooks/specs/providers`, so a third
// provider is one entry here (docs/adding-a-provider.md). No imports on purpose: a consumer that only wants the list
// loads neither Ajv nor the YAML parser.

/**
 * `callback`: configured per meeting agent or bot. `webhook`: configured once for the whole account. The contracts
 * name each webhook `<channel>/<event>`; a key without a slash is a callback.
 */
export const channels = ["callback", "webhook"] as const;
export type Channel = (typeof channels)[number];

export interface ProviderInfo<P extends string = string> {
  /** The id used everywhere: `--provider`, the route `/webhooks/<id>`, stored rows, `createMeetingWebhooks` options. */
  id: P;
  /** The company, as people write it in messages: `Meeting BaaS`. */
  displayName: string;
  /** The product whose webhooks the contract describes: `Meeting BaaS v2`. */
  product: string;
  /** The channels the provider delivers on; `specs/test/providers.test.ts` keeps it equal to the contract's. */
  channels: readonly Channel[];
  /** The contract's folder under `specs/`: `openapi.yaml`, `asyncapi.yaml`, `api.yaml`, `schemas/`, `examples/`. */
  specFolder: string;
}

export const providers = ["cronofy", "meetingbaas"] as const;
export type Provider = (typeof providers)[number];

/** What each provider is; a `Record` over `Provider`, so a provider added to the list without its entry is a type error. */
export const providerInfo: { readonly [P in Provider]: ProviderInfo<P> } = {
  cronofy: {
    id: "cronofy",
    displayName: "Cronofy",
    product: "Cronofy Meeting Agents",
    channels: ["callback"],
    specFolder: "cronofy",
  },
  meetingbaas: {
    id: "meetingbaas",
    displayName: "Meeting BaaS",
    product: "Meeting BaaS v2",
    channels: ["callback", "webhook"],
    specFolder: "meetingbaas",
  },
};

export function isProvider(value: unknown): value is Provider {
  return typeof value === "string" && (providers as readonly string[]).includes(value);
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && (channels as readonly string[]).includes(value);
}

/** `cronofy or meetingbaas` (`a, b or c` for three): the list as usage messages write it. */
export function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}
