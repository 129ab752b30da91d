// Everything the receiver knows about Cronofy Meeting Agents: how a callback maps to the neutral model, which
// resources to download, and how the transcript JSON maps to neutral segments.
import type { CronofyMeetingAgentTranscript } from "@meeting-webhooks/types";
import type { ArtifactFact, MeetingFacts, Normalised, TranscriptSegment } from "./facts.js";
import type { CronofyKnownEvent as CronofyEvent } from "./index.js";

/** Deliveries about one Meeting Agent share this subject. */
export function cronofySubject(event: CronofyEvent): string {
  return `cronofy:${event.payload.meeting_agent.sub}`;
}

export function normaliseCronofy(event: CronofyEvent, receivedAt: string): Normalised {
  const payload = event.payload;
  const calendar = payload.event;
  const meeting: MeetingFacts = {
    provider: "cronofy",
    externalId: payload.meeting_agent.sub,
    calendarEventId: calendar?.event_id ?? null,
    title: calendar?.summary ?? null,
    start: calendar?.start ?? null,
    end: calendar?.end ?? null,
    joinUrl: calendar?.conferencing?.join_url ?? null,
    platform: calendar?.conferencing?.provider_name ?? null,
  };
  switch (event.name) {
    case "meeting_agent_activated":
      return {
        meeting,
        timeline: { at: receivedAt, status: "scheduled", providerStatus: event.name, detail: null },
      };
    case "meeting_agent_failed": {
      const interaction = event.payload.notification.interactions.find((i) => i.type === event.name);
      const subtype =
        (interaction && "subtype" in interaction ? interaction.subtype : undefined) ?? "unknown";
      return {
        meeting: { ...meeting, failureReason: subtype },
        timeline: { at: receivedAt, status: "failed", providerStatus: event.name, detail: subtype },
      };
    }
    case "meeting_agent_complete": {
      const agent = event.payload.meeting_agent;
      const artifacts: ArtifactFact[] = agent.resources.map((resource) => {
        const kind = resource.category === "cronofy" ? "dashboard" : String(resource.category);
        return { kind, url: resource.url, download: kind === "transcript" ? "cronofy/transcript" : null };
      });
      return {
        meeting: { ...meeting, durationSeconds: agent.details?.recording.duration_seconds ?? null },
        timeline: { at: receivedAt, status: "completed", providerStatus: event.name, detail: null },
        artifacts,
      };
    }
    default:
      return {};
  }
}

/** A checked Cronofy transcript: one segment per speaker paragraph. */
export function cronofyTranscript(json: CronofyMeetingAgentTranscript): TranscriptSegment[] {
  return json.transcript.paragraphs.map((p) => ({
    speaker: p.speaker.name ?? p.speaker.identifier,
    start: p.start,
    end: p.end,
    text: p.sentences.map((s) => s.text).join(" "),
  }));
}
