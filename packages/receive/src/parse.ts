// One call per provider: verify the signature over the raw bytes, parse the JSON, validate it against the contract,
// and hand back a typed event or a typed error that says which stage failed.
import { createHash } from "node:crypto";
import type { SchemaIssue } from "@meeting-webhooks/specs/errors";
import type { AnyWebhookEvent, Channel, Provider, UnknownWebhookEvent } from "@meeting-webhooks/types";
import { type Body, bodyBytes, type HeadersLike, headerValue } from "./headers.js";
import { meetingIdOf } from "./subject.js";
import {
  type DetectedEvent,
  detectEvent,
  unknownEventIssue,
  validateEnvelope,
  validateSchema,
} from "./validate.js";
import {
  createCronofyVerifier,
  createMeetingBaasCallbackVerifier,
  createStandardWebhookVerifier,
  defaultToleranceSeconds,
  meetingBaasSecretHeader,
  svixHeaders,
} from "./verify.js";
import type { VerifyFailure, VerifyFailureCode } from "./verify-error.js";

export type BodyErrorCode = "invalid_utf8" | "invalid_json" | "not_an_object";
export type ParseErrorCode = VerifyFailureCode | BodyErrorCode | "envelope_mismatch" | "schema_mismatch";

/** Not authentic: answer 401. Nothing in the body was read. */
export interface SignatureError {
  stage: "signature";
  code: VerifyFailureCode;
  message: string;
}

/** Authentic, but the bytes are not a JSON object: answer 400. */
export interface BodyError {
  stage: "body";
  code: BodyErrorCode;
  message: string;
  /** The parsed value, when the body is JSON but not an object. */
  payload?: unknown;
}

/** What an authentic, readable delivery that breaks its contract still tells: enough to quarantine it. */
interface ContractErrorFacts {
  message: string;
  /** Every violation with its JSON pointer. */
  issues: SchemaIssue[];
  provider: Provider;
  channel: Channel;
  /** The event or interaction name, when the payload carries one. */
  name?: string;
  deliveryKey: string;
  payload: Record<string, unknown>;
  /** From an inbox: the id the quarantined delivery was stored under. */
  deliveryId?: string;
}

/**
 * Authentic, but not shaped like any delivery of this provider and channel (a broken or misrouted body, never "a
 * newer event"): keep it (quarantine) and answer 2xx so that it is not retried forever.
 */
export interface EnvelopeError extends ContractErrorFacts {
  stage: "envelope";
  code: "envelope_mismatch";
}

/** Authentic, a known event that breaks its schema: keep it (quarantine) and answer 2xx. */
export interface SchemaError extends ContractErrorFacts {
  stage: "schema";
  code: "schema_mismatch";
}

/** Why a delivery was refused, discriminated on the stage that refused it: `switch (error.stage)` needs no default. */
export type ParseError = SignatureError | BodyError | EnvelopeError | SchemaError;

/** A contract refusal of an authentic, readable delivery: kept (quarantined), answered 2xx. */
export type ContractError = EnvelopeError | SchemaError;

/** The event, in the one shape handlers, inboxes and receivers use; or why it was refused. */
export type ParseResult = { ok: true; event: AnyWebhookEvent } | { ok: false; error: ParseError };

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseJson(
  bytes: Buffer,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: BodyError } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      ok: false,
      error: { stage: "body", code: "invalid_utf8", message: "The body is not valid UTF-8." },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: {
        stage: "body",
        code: "invalid_json",
        message: `The body is not JSON: ${(error as Error).message}`,
      },
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: {
        stage: "body",
        code: "not_an_object",
        message: "The body is JSON but not an object.",
        payload: value,
      },
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
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
  return `${provider}:${channel}:${eventName ?? "unknown"}:${meetingIdOf(provider, payload) ?? "-"}:${digest}`;
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

/** Parse and validate the bytes of a delivery whose signature was verified. */
export function parseVerifiedBody(
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
  return checkDetected(provider, channel, payload, detected, deliveryKey);
}

/**
 * Check a parsed payload against its channel's envelope and its event's schema, and build the event: the one place
 * an object becomes a typed event. A delivery read back from storage goes through here again (`dispatch`), so a
 * stored body is never cast to its type.
 */
export function checkPayload(
  provider: Provider,
  channel: Channel,
  payload: Record<string, unknown>,
  deliveryKey: string,
): CheckResult {
  return checkDetected(provider, channel, payload, detectEvent(provider, payload, channel), deliveryKey);
}

export type CheckResult = { ok: true; event: AnyWebhookEvent } | { ok: false; error: ContractError };

function checkDetected(
  provider: Provider,
  channel: Channel,
  payload: Record<string, unknown>,
  detected: DetectedEvent,
  deliveryKey: string,
): CheckResult {
  const identity = {
    provider,
    channel,
    ...(detected.eventName === undefined ? {} : { name: detected.eventName }),
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
    const event: UnknownWebhookEvent = {
      known: false,
      provider,
      channel,
      name: detected.eventName,
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
  // The schema validated the payload as the event its name says: this is the typed event, proven, not assumed.
  const event = {
    known: true,
    provider,
    channel,
    name: detected.eventName,
    payload,
    deliveryKey,
    drift: outcome.drift,
  } as unknown as AnyWebhookEvent;
  return { ok: true, event };
}

function signatureError(result: VerifyFailure): { ok: false; error: SignatureError } {
  return { ok: false, error: { stage: "signature", code: result.code, message: result.message } };
}

export interface CronofyDeliveryOptions {
  /** The raw body exactly as received (bytes, or the text decoded from them without any change). */
  body: Body;
  headers: HeadersLike;
  /** Client secret(s) of the Cronofy application; several while rotating. */
  secrets: string | readonly string[] | undefined;
}

/** Verifies, parses and validates one delivery's raw body and headers, with keys prepared once. */
export type DeliveryParser = (body: Body, headers: HeadersLike) => ParseResult;

/** A Cronofy callback parser whose client secrets become HMAC keys once, at construction. */
export function createCronofyParser(secrets: string | readonly string[] | undefined): DeliveryParser {
  const verify = createCronofyVerifier(secrets);
  return (body, headers) => {
    const verified = verify(body, headers);
    if (!verified.ok) return signatureError(verified);
    return parseVerifiedBody("cronofy", "callback", bodyBytes(body), undefined);
  };
}

/**
 * Verify, parse and validate a Cronofy Meeting Agent callback. Never throws for any body or headers. Prepares the keys
 * on every call: a receiver that handles many deliveries builds `createCronofyParser` (or `createMeetingWebhooks`) once.
 */
export function parseCronofyDelivery(options: CronofyDeliveryOptions): ParseResult {
  return createCronofyParser(options.secrets)(options.body, options.headers);
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
 * A Meeting BaaS parser whose secrets are prepared once: it verifies a per-bot callback (`x-mb-secret`) or an
 * account webhook (Svix headers), told apart by the headers present, then parses and validates it. With `channel`,
 * only that channel's deliveries are accepted (an endpoint for callbacks refuses Svix headers, and the reverse).
 */
export function createMeetingBaasParser(
  options: Omit<MeetingBaasDeliveryOptions, "body" | "headers">,
): (body: Body, headers: HeadersLike, channel?: Channel) => ParseResult {
  const verifyCallback = createMeetingBaasCallbackVerifier(options.callbackSecrets);
  const verifyWebhook = createStandardWebhookVerifier({
    secrets: options.webhookSecrets,
    toleranceSeconds: options.toleranceSeconds ?? defaultToleranceSeconds,
    ...(options.now ? { now: options.now } : {}),
  });
  return (body, headers, expected) => {
    const channel = meetingBaasChannelOf(headers);
    if (channel === undefined || (expected !== undefined && channel !== expected)) {
      const wanted =
        expected === "callback"
          ? `${meetingBaasSecretHeader} (this endpoint takes bot callbacks)`
          : expected === "webhook"
            ? "svix-id/svix-timestamp/svix-signature (this endpoint takes account webhooks)"
            : `${meetingBaasSecretHeader} (bot callbacks) nor svix-id/svix-timestamp/svix-signature (account webhooks)`;
      return {
        ok: false,
        error: {
          stage: "signature",
          code: "missing_signature",
          message:
            channel === undefined
              ? `Neither ${wanted} is present: the request did not come from Meeting BaaS, or a proxy dropped the headers.`
              : `Expected ${wanted}, got a ${channel}'s headers: point Meeting BaaS at the right endpoint.`,
        },
      };
    }
    if (channel === "callback") {
      const verified = verifyCallback(headers);
      if (!verified.ok) return signatureError(verified);
      return parseVerifiedBody("meetingbaas", "callback", bodyBytes(body), undefined);
    }
    const verified = verifyWebhook(body, headers);
    if (!verified.ok) return signatureError(verified);
    const svixId = headerValue(headers, svixHeaders.id) ?? headerValue(headers, "webhook-id");
    return parseVerifiedBody("meetingbaas", "webhook", bodyBytes(body), svixId);
  };
}

/**
 * Verify, parse and validate a Meeting BaaS delivery: a per-bot callback (`x-mb-secret`) or an account webhook
 * (Svix headers), told apart by the headers present. Never throws for any body or headers. Prepares the secrets on
 * every call: a receiver builds `createMeetingBaasParser` (or `createMeetingWebhooks`) once instead.
 */
export function parseMeetingBaasDelivery(options: MeetingBaasDeliveryOptions): ParseResult {
  return createMeetingBaasParser(options)(options.body, options.headers);
}
