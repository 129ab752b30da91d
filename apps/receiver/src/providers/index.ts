// The one place that dispatches on the provider: rebuild a stored delivery's typed event, normalise it, tell its
// subject, and turn a downloaded artifact into the neutral transcript after checking it against its contract.
import type { AnyWebhookEvent } from "@meeting-webhooks/receive";
import { validateArtifact } from "@meeting-webhooks/receive/validate";
import type {
  CronofyMeetingAgentTranscript,
  CronofyWebhookEvent,
  MeetingBaasOutputTranscription,
  MeetingBaasWebhookEvent,
} from "@meeting-webhooks/types";
import { cronofySubject, cronofyTranscript, normaliseCronofy } from "./cronofy.js";
import type { Download, Normalised, TranscriptSegment } from "./facts.js";
import { meetingBaasSubject, meetingBaasTranscript, normaliseMeetingBaas } from "./meetingbaas.js";

export type * from "./facts.js";
export { neutralMeetingBaasStatus } from "./meetingbaas.js";

/** What the provider rules read of a known event: its provider, channel, name and typed payload. */
type Typed<E> = E extends unknown
  ? Pick<E, Extract<keyof E, "provider" | "channel" | "name" | "payload">>
  : never;
export type KnownEvent = Typed<CronofyWebhookEvent | MeetingBaasWebhookEvent>;
export type CronofyKnownEvent = Extract<KnownEvent, { provider: "cronofy" }>;
export type MeetingBaasKnownEvent = Extract<KnownEvent, { provider: "meetingbaas" }>;

/** What deliveries of the same meeting share, for an event ingest has just validated. */
export function subjectOf(event: AnyWebhookEvent): string | null {
  if (!event.known) return null;
  return event.provider === "cronofy" ? cronofySubject(event) : meetingBaasSubject(event);
}

/**
 * The typed event of a stored delivery. Ingest validated the body against the contract of exactly this provider,
 * channel and event before storing it as `pending`, so the stored name is the discriminant and no check is repeated.
 */
export function storedEvent(stored: {
  provider: "cronofy" | "meetingbaas";
  channel: "callback" | "webhook";
  event: string;
  body: string;
}): KnownEvent {
  const payload: unknown = JSON.parse(stored.body);
  return { provider: stored.provider, channel: stored.channel, name: stored.event, payload } as KnownEvent;
}

/** What a valid event says about meetings and calendar events. */
export function normalise(event: KnownEvent, receivedAt: string): Normalised {
  return event.provider === "cronofy"
    ? normaliseCronofy(event, receivedAt)
    : normaliseMeetingBaas(event, receivedAt);
}

export type TranscriptResult = { ok: true; segments: TranscriptSegment[] } | { ok: false; error: string };

/** A downloaded artifact checked against its contract, then in the neutral shape; a broken one says where. */
export function neutralTranscript(download: Download, json: unknown): TranscriptResult {
  const outcome = validateArtifact(download, json);
  if (!outcome.valid) {
    const shown = outcome.issues
      .slice(0, 3)
      .map((issue) => `${issue.pointer || "/"} ${issue.message}`)
      .join("; ");
    return { ok: false, error: `the ${download} artifact breaks its contract: ${shown}` };
  }
  return {
    ok: true,
    segments:
      download === "cronofy/transcript"
        ? cronofyTranscript(json as CronofyMeetingAgentTranscript)
        : meetingBaasTranscript(json as MeetingBaasOutputTranscription),
  };
}
