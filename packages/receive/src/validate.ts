// Validation against the contracts with the validators generated ahead of time, and event detection.
import { type SchemaIssue, schemaIssues, type ValidationError } from "@meeting-webhooks/specs/errors";
import type { Channel, Provider } from "@meeting-webhooks/types";
import { envelopeSchemas, eventSchemas, validators } from "./schemas.gen.js";

export type { SchemaIssue };

export interface DetectedEvent {
  channel: Channel;
  /** The provider's own event name, when the payload names one. */
  eventName: string | undefined;
  /** The contract's schema for it, or undefined when the contract does not know this event (yet). */
  schemaPath: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const cronofySchemas = eventSchemas.cronofy as Readonly<Record<string, string>>;
const meetingBaasSchemas = eventSchemas.meetingbaas as Readonly<Record<string, string>>;
const envelopes = envelopeSchemas as Readonly<Record<Provider, Partial<Record<Channel, string>>>>;

/**
 * Which event a payload is. Cronofy names it by the interaction in `notification.interactions` (the first one whose
 * type is a known callback, else the first one); Meeting BaaS by the top-level `event`. For Meeting BaaS without a
 * channel, account webhooks are assumed, then callbacks.
 */
export function detectEvent(provider: Provider, payload: unknown, channel?: Channel): DetectedEvent {
  if (provider === "cronofy") {
    const interactions =
      isObject(payload) && isObject(payload.notification) ? payload.notification.interactions : [];
    const types = Array.isArray(interactions)
      ? interactions.map((i) => (isObject(i) && typeof i.type === "string" ? i.type : undefined))
      : [];
    const known = types.find((type) => type !== undefined && `callback/${type}` in cronofySchemas);
    const eventName = known ?? types.find((type) => type !== undefined);
    return {
      channel: "callback",
      eventName,
      schemaPath: known ? cronofySchemas[`callback/${known}`] : undefined,
    };
  }
  const eventName = isObject(payload) && typeof payload.event === "string" ? payload.event : undefined;
  const channels: Channel[] = channel ? [channel] : ["webhook", "callback"];
  for (const candidate of channels) {
    const schemaPath = eventName === undefined ? undefined : meetingBaasSchemas[`${candidate}/${eventName}`];
    if (schemaPath) return { channel: candidate, eventName, schemaPath };
  }
  return { channel: channels[0] as Channel, eventName, schemaPath: undefined };
}

export interface ValidationOutcome {
  valid: boolean;
  /** Why the payload breaks the contract (empty when valid). */
  issues: SchemaIssue[];
  /**
   * What the payload has that the contract does not know: unknown properties and values outside an open list's
   * known ones. Valid still; report it so the contract can catch up.
   */
  drift: SchemaIssue[];
}

/**
 * Validates a parsed value against one schema of the contracts (path relative to `specs/`). The strict variant runs
 * first: a payload the contract fully knows costs one pass.
 */
export function validateSchema(schemaPath: string, value: unknown): ValidationOutcome {
  const pair = validators[schemaPath];
  if (!pair) throw new Error(`No generated validator for ${schemaPath}`);
  if (pair.strict(value)) return { valid: true, issues: [], drift: [] };
  const drift = driftIssues(pair.strict.errors ?? []);
  if (pair.lenient(value)) return { valid: true, issues: [], drift };
  return { valid: false, issues: schemaIssues(pair.lenient.errors), drift: [] };
}

/** The strict pass's errors, said as drift: which property or value the contract does not know yet. */
function driftIssues(errors: readonly ValidationError[]): SchemaIssue[] {
  const unknownProperties: SchemaIssue[] = errors
    .filter((error) => error.keyword === "additionalProperties")
    .map((error) => {
      const name = String(error.params.additionalProperty);
      return {
        pointer: `${error.instancePath}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        keyword: "additionalProperties",
        message: `unknown property "${name}" (drift: accepted, not in the contract yet)`,
        expected: "only the properties the contract declares",
      };
    });
  const others = schemaIssues(errors.filter((error) => error.keyword !== "additionalProperties")).map(
    (issue) =>
      issue.keyword === "enum" || issue.keyword === "anyOf"
        ? {
            ...issue,
            message: "value outside the contract's known list (drift: accepted, not in the contract yet)",
          }
        : issue,
  );
  return [...unknownProperties, ...others];
}

/** The envelope schema of a provider's channel (path relative to `specs/`), if the contract has that channel. */
export function envelopeSchemaOf(provider: Provider, channel: Channel): string | undefined {
  return envelopes[provider][channel];
}

/**
 * Checks what every delivery on a channel has in common (Meeting BaaS: `event`, `data`, `extra`; Cronofy:
 * `notification.interactions`, `meeting_agent.sub` and `state`). Only a payload that passes may be called an unknown
 * event; one that fails is not a delivery of this provider and channel at all.
 */
export function validateEnvelope(provider: Provider, channel: Channel, payload: unknown): ValidationOutcome {
  const path = envelopeSchemaOf(provider, channel);
  if (path === undefined) {
    return {
      valid: false,
      issues: [
        {
          pointer: "/",
          keyword: "channel",
          message: `${provider} sends no ${channel} deliveries`,
          expected: `one of the channels ${Object.keys(envelopes[provider]).join(", ")}`,
        },
      ],
      drift: [],
    };
  }
  return validateSchema(path, payload);
}

/** The drift item that says an event name inside a well-formed envelope is not in the contract yet. */
export function unknownEventIssue(provider: Provider, payload: unknown, eventName: string): SchemaIssue {
  let pointer = "/event";
  if (provider === "cronofy") {
    const interactions =
      isObject(payload) && isObject(payload.notification) ? payload.notification.interactions : [];
    const index = Array.isArray(interactions)
      ? interactions.findIndex((i) => isObject(i) && i.type === eventName)
      : -1;
    pointer = `/notification/interactions/${Math.max(index, 0)}/type`;
  }
  return {
    pointer,
    keyword: "event",
    message: `unknown event "${eventName}" (drift: accepted inside a well-formed envelope, not in the contract yet)`,
    expected: "an event the contract describes",
  };
}

export interface PayloadValidation extends ValidationOutcome, DetectedEvent {
  provider: Provider;
  /** False when the payload names no event the contract knows; such a payload is checked against its envelope only. */
  known: boolean;
  /** Which check refused the payload, when it is invalid: the channel's envelope, or the event's schema. */
  stage?: "envelope" | "schema";
}

/** Detects the event of a parsed payload and validates it: what `meeting-webhooks validate` does. */
export function validatePayload(provider: Provider, payload: unknown, channel?: Channel): PayloadValidation {
  const detected = detectEvent(provider, payload, channel);
  const envelope = validateEnvelope(provider, detected.channel, payload);
  if (!envelope.valid) return { provider, ...detected, known: false, stage: "envelope", ...envelope };
  if (!detected.schemaPath) {
    const drift = [...envelope.drift];
    if (detected.eventName !== undefined)
      drift.push(unknownEventIssue(provider, payload, detected.eventName));
    return { provider, ...detected, known: false, valid: true, issues: [], drift };
  }
  const outcome = validateSchema(detected.schemaPath, payload);
  return { provider, ...detected, known: true, ...outcome, ...(outcome.valid ? {} : { stage: "schema" }) };
}

/** The artifact formats behind the providers' download URLs. */
export const artifactSchemas = {
  "cronofy/transcript": "cronofy/schemas/transcript.json",
  "meetingbaas/transcription": "meetingbaas/schemas/artifacts/transcription.json",
  "meetingbaas/raw-transcription": "meetingbaas/schemas/artifacts/raw-transcription.json",
  "meetingbaas/diarization-segment": "meetingbaas/schemas/artifacts/diarization-segment.json",
  "meetingbaas/chat-messages": "meetingbaas/schemas/artifacts/chat-messages.json",
} as const;
export type ArtifactName = keyof typeof artifactSchemas;

/** Validates a downloaded artifact (a transcript, one diarization line) against its contract schema. */
export function validateArtifact(name: ArtifactName, value: unknown): ValidationOutcome {
  return validateSchema(artifactSchemas[name], value);
}
