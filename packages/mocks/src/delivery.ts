// Signed deliveries, byte for byte as the providers send them: the body is the exact bytes that were signed, and the
// headers carry the signature each provider's scheme prescribes. Runs in browsers too (WebCrypto, no Node API).
import type { Channel, Provider } from "@meeting-webhooks/types";
import { Webhook } from "standardwebhooks";
import { webhookCatalog } from "./contract.gen.js";

/** What a provider sends: replay it with `deliver`, or hand it to a receiver under test. */
export interface Delivery {
  provider: Provider;
  channel: Channel;
  /** The provider's event name, read from the payload (`meeting_agent_complete`, `bot.completed`). */
  event: string | undefined;
  method: "POST" | "PUT";
  url: string;
  /** Header names in lower case, as HTTP/2 and fetch `Headers` have them. */
  headers: Record<string, string>;
  /** The exact text that was signed; send it unchanged. */
  body: string;
  /**
   * The same delivery signed again at another time (Svix signs every attempt anew, keeping `svix-id`). Absent for
   * schemes without a timestamp, whose deliveries never change between attempts.
   */
  resign?: (at: number) => Promise<Delivery>;
}

export interface CronofyDeliveryOptions {
  provider: "cronofy";
  url: string;
  /** The client secret, or several while rotating: the header then lists one HMAC per secret, comma-separated. */
  secret: string | readonly string[];
}

export interface MeetingBaasCallbackOptions {
  provider: "meetingbaas";
  channel: "callback";
  url: string;
  /** `callback_config.secret`, sent verbatim in `x-mb-secret`; null or absent sends no header. */
  secret?: string | null;
  /** `callback_config.method` (default POST). */
  method?: "POST" | "PUT";
}

export interface MeetingBaasWebhookOptions {
  provider: "meetingbaas";
  channel: "webhook";
  url: string;
  /** The endpoint's signing secret `whsec_…`, or several while rotating (one `v1,` signature each). */
  secret: string | readonly string[];
  /** The Svix message id (default: a fresh `msg_…`). Svix keeps it across attempts of one message. */
  id?: string;
  /** When the attempt is signed, in ms since the epoch (default now). */
  timestamp?: number;
}

export type DeliveryOptions = CronofyDeliveryOptions | MeetingBaasCallbackOptions | MeetingBaasWebhookOptions;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Base64 HMAC-SHA256 of `body` with `secret`, as Cronofy computes `Cronofy-HMAC-SHA256`. */
export async function cronofySignature(body: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body))));
}

const ksuidAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh Svix-style message id: `msg_` and 27 base62 characters, as a KSUID prints. */
export function svixMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(27));
  let id = "msg_";
  for (const byte of bytes) id += ksuidAlphabet[byte % 62];
  return id;
}

function list(secret: string | readonly string[]): readonly string[] {
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) throw new Error("buildDelivery needs at least one secret to sign with");
  return secrets;
}

/** Cronofy's callbacks as the contract declares them (a payload's interactions name the event). */
const cronofyEvents = new Set<string>(
  webhookCatalog.filter((w) => w.provider === "cronofy").map((w) => w.event),
);

/** The provider's event name in a payload. */
export function eventNameOf(provider: Provider, payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  if (provider === "meetingbaas") {
    const event = (payload as { event?: unknown }).event;
    return typeof event === "string" ? event : undefined;
  }
  const interactions = (payload as { notification?: { interactions?: unknown } }).notification?.interactions;
  if (!Array.isArray(interactions)) return undefined;
  const types = interactions.map((i) => (i as { type?: unknown })?.type).filter((t) => typeof t === "string");
  return (types.find((t) => cronofyEvents.has(t as string)) ?? types[0]) as string | undefined;
}

/**
 * A delivery of `payload` signed as the provider signs it. An object is serialised compactly (as providers send);
 * a string is sent byte for byte, so a captured body can be replayed exactly.
 */
export async function buildDelivery(payload: unknown, options: DeliveryOptions): Promise<Delivery> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const parsed = typeof payload === "string" ? safeParse(payload) : payload;
  const event = eventNameOf(options.provider, parsed);
  if (options.provider === "cronofy") {
    const signatures = await Promise.all(
      list(options.secret).map((secret) => cronofySignature(body, secret)),
    );
    return {
      provider: "cronofy",
      channel: "callback",
      event,
      method: "POST",
      url: options.url,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cronofy-hmac-sha256": signatures.join(","),
      },
      body,
    };
  }
  if (options.channel === "callback") {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.secret) headers["x-mb-secret"] = options.secret;
    return {
      provider: "meetingbaas",
      channel: "callback",
      event,
      method: options.method ?? "POST",
      url: options.url,
      headers,
      body,
    };
  }
  const id = options.id ?? svixMessageId();
  const secrets = list(options.secret);
  const sign = async (at: number): Promise<Delivery> => {
    const timestamp = new Date(Math.floor(at / 1000) * 1000);
    return {
      provider: "meetingbaas",
      channel: "webhook",
      event,
      method: "POST",
      url: options.url,
      headers: {
        "content-type": "application/json",
        "svix-id": id,
        "svix-timestamp": String(Math.floor(at / 1000)),
        "svix-signature": secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(" "),
      },
      body,
      resign: sign,
    };
  };
  return sign(options.timestamp ?? Date.now());
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
