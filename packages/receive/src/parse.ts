// One call per provider: verify the signature over the raw bytes, parse the JSON, validate it against the contract,
// and hand back a typed event or a typed error that says which stage failed.
import { createHash } from "node:crypto";
import type { SchemaIssue } from "@meeting-webhooks/specs/errors";
import type { Channel, CronofyEvent, MeetingBaasEvent, Provider } from "@meeting-webhooks/types";
import { type Body, bodyBytes, type HeadersLike, headerValue } from "./headers.js";
import { detectEvent, unknownEventIssue, validateEnvelope, validateSchema } from "./validate.js";
import {
  defaultToleranceSeconds,
  meetingBaasSecretHeader,
  svixHeaders,
  verifyCronofySignature,
  verifyMeetingBaasCallback,
  verifyStandardWebhook,
} from "./verify.js";
import type { VerifyFailureCode, VerifyResult } from "./verify-error.js";

/** An authentic delivery of an event the contract does not know yet: kept, not refused. */
export interface UnknownEvent {
  provider: Provider;
  channel: Channel;
  type: "unknown";
  /** The event or interaction name the payload carries, if any. */
  eventName: string | undefined;
  payload: unknown;
}

interface DeliveryFacts {
  /** Stable across redeliveries of the same event: use it to de-duplicate (see the README). */
  deliveryKey: string;
  /** Unknown properties and open-list values outside the known ones; the event is valid regardless. */
  drift: SchemaIssue[];
}

export type ParsedEvent =
  | (CronofyEvent & DeliveryFacts)
  | (MeetingBaasEvent & DeliveryFacts)
  | (UnknownEvent & DeliveryFacts);

export type ParseErrorCode =
  | VerifyFailureCode
  | "invalid_utf8"
  | "invalid_json"
  | "not_an_object"
  | "envelope_mismatch"
  | "schema_mismatch";

export interface ParseError {
  /**
   * Which step refused the delivery. Signature failures mean "not authentic": answer 401. `envelope`: authentic, but
   * not shaped like any delivery of this provider and channel (not an unknown event: a broken or misrouted one).
   * `schema`: a known event that breaks its contract. Keep both (quarantine) and answer 2xx.
   */
  stage: "signature" | "json" | "envelope" | "schema";
  code: ParseErrorCode;
  message: string;
  /** For `envelope` and `schema`: every violation with its JSON pointer. */
  issues?: SchemaIssue[];
  /** For `envelope` and `schema`: what was detected, so the delivery can be quarantined with its identity. */
  provider?: Provider;
  channel?: Channel;
  eventName?: string;
  deliveryKey?: string;
  /** For `envelope`, `schema` and `json`: the parsed payload if there is one, for quarantine. */
  payload?: unknown;
}

export type ParseResult = { ok: true; event: ParsedEvent } | { ok: false; error: ParseError };

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseJson(
  bytes: Buffer,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: ParseError } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      ok: false,
      error: { stage: "json", code: "invalid_utf8", message: "The body is not valid UTF-8." },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: {
        stage: "json",
        code: "invalid_json",
        message: `The body is not JSON: ${(error as Error).message}`,
      },
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: {
        stage: "json",
        code: "not_an_object",
        message: "The body is JSON but not an object.",
        payload: value,
      },
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function subjectOf(provider: Provider, payload: Record<string, unknown>): string {
  const nested = (outer: string, inner: string) => {
    const value = payload[outer];
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)[inner]
      : undefined;
  };
  const subject = provider === "cronofy" ? nested("meeting_agent", "sub") : nested("data", "bot_id");
  return typeof subject === "string" && subject.length > 0 && subject.length <= 200 ? subject : "-";
}

/**
 * The delivery key: `meetingbaas:webhook:<svix-id>` for account webhooks (Svix keeps the id across retries);
 * otherwise `<provider>:<channel>:<event>:<agent or bot id>:<first 16 hex of SHA-256 of the body>`, identical for
 * byte-identical redeliveries of one event and distinct for anything else.
 */
export function deliveryKeyOf(
  provider: Provider,
  channel: Channel,
  eventName: string | undefined,
  payload: Record<string, unknown>,
  bytes: Buffer,
  svixId?: string,
): string {
  if (svixId) return `${provider}:${channel}:${svixId}`;
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  return `${provider}:${channel}:${eventName ?? "unknown"}:${subjectOf(provider, payload)}:${digest}`;
}

function issueSummary(issues: readonly SchemaIssue[]): string {
  const shown = issues
    .slice(0, 3)
    .map((issue) => `${issue.pointer} ${issue.message}`)
    .join("; ");
  return `${issues.length} place(s): ${shown}${issues.length > 3 ? "; …" : ""}`;
}

const channelNames: Record<Provider, Partial<Record<Channel, string>>> = {
  cronofy: { callback: "Cronofy Meeting Agent callback" },
  meetingbaas: { callback: "Meeting BaaS bot callback", webhook: "Meeting BaaS account webhook" },
};

function finish(
  provider: Provider,
  channel: Channel,
  bytes: Buffer,
  svixId: string | undefined,
): ParseResult {
  const parsed = parseJson(bytes);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const detected = detectEvent(provider, payload, channel);
  const deliveryKey = deliveryKeyOf(provider, channel, detected.eventName, payload, bytes, svixId);
  const identity = {
    provider,
    channel,
    ...(detected.eventName === undefined ? {} : { eventName: detected.eventName }),
    deliveryKey,
    payload,
  };
  // The envelope first: only a well-formed delivery of this channel may be called an unknown (newer) event.
  const envelope = validateEnvelope(provider, channel, payload);
  if (!envelope.valid) {
    return {
      ok: false,
      error: {
        stage: "envelope",
        code: "envelope_mismatch",
        message: `The body is not a ${channelNames[provider][channel] ?? `${provider} ${channel}`}: its envelope breaks the contract in ${issueSummary(envelope.issues)}. Check that it was sent to the right endpoint.`,
        issues: envelope.issues,
        ...identity,
      },
    };
  }
  if (!detected.schemaPath) {
    const event: UnknownEvent & DeliveryFacts = {
      provider,
      channel,
      type: "unknown",
      eventName: detected.eventName,
      payload,
      deliveryKey,
      drift: [
        ...envelope.drift,
        ...(detected.eventName === undefined
          ? []
          : [unknownEventIssue(provider, payload, detected.eventName)]),
      ],
    };
    return { ok: true, event };
  }
  const outcome = validateSchema(detected.schemaPath, payload);
  if (!outcome.valid) {
    return {
      ok: false,
      error: {
        stage: "schema",
        code: "schema_mismatch",
        message: `The ${detected.eventName} payload breaks the contract in ${issueSummary(outcome.issues)}`,
        issues: outcome.issues,
        ...identity,
      },
    };
  }
  const event = {
    provider,
    channel,
    type: detected.eventName,
    payload,
    deliveryKey,
    drift: outcome.drift,
  } as ParsedEvent;
  return { ok: true, event };
}

function signatureError(result: Exclude<VerifyResult, { ok: true }>): ParseResult {
  return { ok: false, error: { stage: "signature", code: result.code, message: result.message } };
}

export interface CronofyDeliveryOptions {
  /** The raw body exactly as received (bytes, or the text decoded from them without any change). */
  body: Body;
  headers: HeadersLike;
  /** Client secret(s) of the Cronofy application; several while rotating. */
  secrets: string | readonly string[] | undefined;
}

/** Verify, parse and validate a Cronofy Meeting Agent callback. Never throws for any body or headers. */
export function parseCronofyDelivery(options: CronofyDeliveryOptions): ParseResult {
  const verified = verifyCronofySignature(options);
  if (!verified.ok) return signatureError(verified);
  return finish("cronofy", "callback", bodyBytes(options.body), undefined);
}

export interface MeetingBaasDeliveryOptions {
  body: Body;
  headers: HeadersLike;
  /** Secret(s) given when creating bots, checked against `x-mb-secret` on per-bot callbacks. */
  callbackSecrets?: string | readonly string[] | undefined;
  /** Account webhook signing secret(s), `whsec_…`, for deliveries through Svix. */
  webhookSecrets?: string | readonly string[] | undefined;
  /** Svix timestamp tolerance in seconds (default 300). */
  toleranceSeconds?: number;
  /** Clock in milliseconds since the epoch, for tests (default `Date.now`). */
  now?: () => number;
}

/** Which Meeting BaaS scheme signed this delivery, read from its headers. */
export function meetingBaasChannelOf(headers: HeadersLike): Channel | undefined {
  if (
    headerValue(headers, svixHeaders.signature) !== undefined ||
    headerValue(headers, svixHeaders.id) !== undefined ||
    headerValue(headers, "webhook-signature") !== undefined
  ) {
    return "webhook";
  }
  return headerValue(headers, meetingBaasSecretHeader) !== undefined ? "callback" : undefined;
}

/**
 * Verify, parse and validate a Meeting BaaS delivery: a per-bot callback (`x-mb-secret`) or an account webhook
 * (Svix headers), told apart by the headers present. Never throws for any body or headers.
 */
export function parseMeetingBaasDelivery(options: MeetingBaasDeliveryOptions): ParseResult {
  const channel = meetingBaasChannelOf(options.headers);
  if (channel === undefined) {
    return {
      ok: false,
      error: {
        stage: "signature",
        code: "missing_signature",
        message: `Neither ${meetingBaasSecretHeader} (bot callbacks) nor svix-id/svix-timestamp/svix-signature (account webhooks) is present: the request did not come from Meeting BaaS, or a proxy dropped the headers.`,
      },
    };
  }
  if (channel === "callback") {
    const verified = verifyMeetingBaasCallback({
      headers: options.headers,
      secrets: options.callbackSecrets,
    });
    if (!verified.ok) return signatureError(verified);
    return finish("meetingbaas", "callback", bodyBytes(options.body), undefined);
  }
  const verified = verifyStandardWebhook({
    body: options.body,
    headers: options.headers,
    secrets: options.webhookSecrets,
    toleranceSeconds: options.toleranceSeconds ?? defaultToleranceSeconds,
    ...(options.now ? { now: options.now } : {}),
  });
  if (!verified.ok) return signatureError(verified);
  const svixId = headerValue(options.headers, svixHeaders.id) ?? headerValue(options.headers, "webhook-id");
  return finish("meetingbaas", "webhook", bodyBytes(options.body), svixId);
}
