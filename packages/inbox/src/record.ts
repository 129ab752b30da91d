// From what `parse` said to what the log keeps, and back to the answer: an authentic delivery becomes a log row
// (accepted, unknown, or quarantined when it breaks its contract), and its answer carries where it was stored.
import {
  type Body,
  bodyBytes,
  type ContractError,
  type HeadersLike,
  headerValue,
  type ParseResult,
  type ReceiveResult,
  subjectOf,
} from "@meeting-webhooks/receive";
import type { Provider } from "@meeting-webhooks/specs/providers";
import type { AnyWebhookEvent } from "@meeting-webhooks/types";
import type { NewDelivery, Stored } from "./operations/store.js";

/**
 * Each provider's signature headers, kept so that a stored body can be verified again. A `Record` over `Provider`:
 * a provider added to `@meeting-webhooks/specs/providers` without its entry here is a type error. `x-mb-secret` is
 * left out on purpose: it is the Meeting BaaS callback secret itself, in clear.
 */
const signatureHeaders: { readonly [P in Provider]: readonly string[] } = {
  cronofy: ["cronofy-hmac-sha256"],
  meetingbaas: [
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
  ],
};

/** The headers kept with the body: enough to verify it again and to tell who sent it. */
export const keptHeaders: readonly string[] = [
  "content-type",
  "user-agent",
  ...new Set(Object.values(signatureHeaders).flat()),
];

/** What `parse` says of an authentic, readable delivery: an event, or a contract refusal to quarantine. */
export type Authentic = { ok: true; event: AnyWebhookEvent } | { ok: false; error: ContractError };

/** True for the outcomes an inbox stores; signature and body refusals are answered as they are. */
export function isAuthentic(parsed: ParseResult): parsed is Authentic {
  return parsed.ok || parsed.error.stage === "envelope" || parsed.error.stage === "schema";
}

export function deliveryOf(parsed: Authentic, body: Body, headers: HeadersLike): NewDelivery {
  const kept: Record<string, string> = {};
  for (const name of keptHeaders) {
    const value = headerValue(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  const facts = parsed.ok ? parsed.event : parsed.error;
  return {
    deliveryKey: facts.deliveryKey,
    provider: facts.provider,
    channel: facts.channel,
    event: facts.name ?? null,
    subject: subjectOf(facts),
    status: parsed.ok ? (parsed.event.known ? "accepted" : "unknown") : "quarantined",
    headers: kept,
    body: bodyBytes(body),
    issues: parsed.ok ? null : parsed.error.issues,
    drift: parsed.ok ? parsed.event.drift : null,
  };
}

/** The answer for a stored delivery: its id, and `duplicate` when its key had been stored before. */
export function storedResult(parsed: Authentic, stored: Stored): ReceiveResult {
  const deliveryId = String(stored.id);
  const duplicate = stored.duplicate ? { duplicate: true } : {};
  return parsed.ok
    ? { ok: true, event: { ...parsed.event, deliveryId }, ...duplicate }
    : { ok: false, error: { ...parsed.error, deliveryId }, ...duplicate };
}
