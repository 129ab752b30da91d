// Both providers into one provider-neutral model: what a delivery says about a meeting (recording), as plain data.
// Pure functions: the processor applies the result to the database.
import type { CronofyEvent, MeetingBaasEvent } from "@meeting-webhooks/types";

export interface MeetingFacts {
  provider: "cronofy" | "meetingbaas";
  externalId: string;
  calendarEventId?: string | null;
  title?: string | null;
  start?: string | null;
  end?: string | null;
  joinUrl?: string | null;
  platform?: string | null;
  durationSeconds?: number | null;
  failureReason?: string | null;
}

export interface TimelineEntry {
  at: string;
  status: string;
  providerStatus: string;
  detail: string | null;
}

export interface ArtifactFact {
  kind: string;
  url: string;
  /** Download it into the neutral transcript. */
  download: "cronofy-transcript" | "meetingbaas-transcription" | null;
}

export interface CalendarEventFact {
  eventId: string;
  title: string | null;
  start: string | null;
  end: string | null;
  joinUrl: string | null;
  platform: string | null;
  status: string | null;
}

export interface Normalised {
  meeting?: MeetingFacts;
  timeline?: TimelineEntry;
  participants?: { name: string; speaker: boolean }[];
  artifacts?: ArtifactFact[];
  calendarEvents?: CalendarEventFact[];
}

const meetingBaasStatus: Record<string, string> = {
  queued: "scheduled",
  pickup_delayed: "scheduled",
  joining_call: "joining",
  in_waiting_room: "joining",
  in_waiting_for_host: "joining",
  // Not in the official list; seen only in an unreleased SDK spec (specs/meetingbaas/schemas/common/bot-status-code.json).
  retrying: "joining",
  in_call_not_recording: "in_call",
  in_call_recording: "recording",
  recording_paused: "in_call",
  recording_resumed: "recording",
  call_ended: "processing",
  recording_succeeded: "processing",
  transcribing: "processing",
  completed: "completed",
  failed: "failed",
  recording_failed: "failed",
  bot_rejected: "failed",
  bot_removed: "failed",
  bot_removed_too_early: "failed",
  waiting_room_timeout: "failed",
  invalid_meeting_url: "failed",
  meeting_error: "failed",
  api_request_stop: "processing",
};

export function neutralMeetingBaasStatus(code: string): string {
  return meetingBaasStatus[code] ?? code;
}

function normaliseCronofy(event: CronofyEvent, receivedAt: string): Normalised {
  const payload = event.payload;
  const agent = payload.meeting_agent;
  const calendar = payload.event;
  const meeting: MeetingFacts = {
    provider: "cronofy",
    externalId: agent.sub,
    calendarEventId: calendar?.event_id ?? null,
    title: calendar?.summary ?? null,
    start: calendar?.start ?? null,
    end: calendar?.end ?? null,
    joinUrl: calendar?.conferencing?.join_url ?? null,
    platform: calendar?.conferencing?.provider_name ?? null,
  };
  const interaction = payload.notification.interactions.find((i) => i.type === event.type);
  if (event.type === "meeting_agent_activated") {
    return {
      meeting,
      timeline: { at: receivedAt, status: "scheduled", providerStatus: event.type, detail: null },
    };
  }
  if (event.type === "meeting_agent_failed") {
    const subtype = (interaction as { subtype?: string } | undefined)?.subtype ?? "unknown";
    return {
      meeting: { ...meeting, failureReason: subtype },
      timeline: { at: receivedAt, status: "failed", providerStatus: event.type, detail: subtype },
    };
  }
  const complete = event.payload as Extract<CronofyEvent, { type: "meeting_agent_complete" }>["payload"];
  const artifacts: ArtifactFact[] = complete.meeting_agent.resources.map((resource) => {
    const kind = resource.category === "cronofy" ? "dashboard" : String(resource.category);
    return { kind, url: resource.url, download: kind === "transcript" ? "cronofy-transcript" : null };
  });
  return {
    meeting: {
      ...meeting,
      // `details` is optional: Cronofy's resource-download page shows a complete callback without it.
      durationSeconds: complete.meeting_agent.details?.recording.duration_seconds ?? null,
    },
    timeline: { at: receivedAt, status: "completed", providerStatus: event.type, detail: null },
    artifacts,
  };
}

function calendarFacts(instance: Record<string, unknown>): CalendarEventFact {
  const text = (key: string) => (typeof instance[key] === "string" ? (instance[key] as string) : null);
  return {
    eventId: String(instance.event_id),
    title: text("title"),
    start: text("start"),
    end: text("end"),
    joinUrl: text("meeting_url"),
    platform: text("meeting_platform"),
    status: text("status"),
  };
}

function normaliseMeetingBaas(event: MeetingBaasEvent, receivedAt: string): Normalised {
  switch (event.type) {
    case "bot.status_change": {
      const { bot_id, event_id, status } = event.payload.data;
      return {
        meeting: { provider: "meetingbaas", externalId: bot_id, calendarEventId: event_id ?? null },
        timeline: {
          at: status.created_at,
          status: neutralMeetingBaasStatus(status.code),
          providerStatus: status.code,
          detail: status.error_message ?? null,
        },
      };
    }
    case "bot.completed": {
      const data = event.payload.data;
      const speakers = new Set((data.speakers ?? []).map((s) => s.name));
      const participants = [
        ...(data.participants ?? []).map((p) => ({
          name: p.display_name ?? p.name,
          speaker: speakers.has(p.name),
        })),
        ...[...speakers]
          .filter((name) => !(data.participants ?? []).some((p) => p.name === name))
          .map((name) => ({ name, speaker: true })),
      ];
      const artifacts: ArtifactFact[] = [];
      const add = (
        kind: string,
        url: string | null | undefined,
        download: ArtifactFact["download"] = null,
      ) => {
        if (url) artifacts.push({ kind, url, download });
      };
      add("video", data.video);
      add("audio", data.audio);
      add("diarization", data.diarization);
      add("raw_transcription", data.raw_transcription);
      add("transcript", data.transcription, "meetingbaas-transcription");
      return {
        meeting: {
          provider: "meetingbaas",
          externalId: data.bot_id,
          calendarEventId: data.event_id ?? null,
          durationSeconds: data.duration_seconds ?? null,
        },
        timeline: {
          at: data.sent_at ?? receivedAt,
          status: "completed",
          providerStatus: "bot.completed",
          detail: null,
        },
        participants,
        artifacts,
      };
    }
    case "bot.failed": {
      const data = event.payload.data;
      const reason = `${data.error_code}${data.error_message ? `: ${data.error_message}` : ""}`;
      return {
        meeting: {
          provider: "meetingbaas",
          externalId: data.bot_id,
          calendarEventId: data.event_id ?? null,
          failureReason: reason,
        },
        timeline: {
          at: data.sent_at ?? receivedAt,
          status: "failed",
          providerStatus: "bot.failed",
          detail: reason,
        },
      };
    }
    case "bot.chat_message": {
      const data = event.payload.data;
      return {
        meeting: { provider: "meetingbaas", externalId: data.bot_id, calendarEventId: data.event_id ?? null },
        participants: [{ name: data.sender_name, speaker: false }],
      };
    }
    case "calendar.event_created":
    case "calendar.event_updated": {
      const data = event.payload.data;
      const instances = "instances" in data ? data.instances : data.affected_instances;
      return { calendarEvents: instances.map((i) => calendarFacts(i as Record<string, unknown>)) };
    }
    case "calendar.event_cancelled":
      return {
        calendarEvents: event.payload.data.cancelled_instances.map((i) => ({
          ...calendarFacts(i as Record<string, unknown>),
          status: "cancelled",
        })),
      };
    case "calendar.events_synced":
      return {
        calendarEvents: event.payload.data.events.flatMap((e) =>
          e.instances.map((i) => calendarFacts(i as Record<string, unknown>)),
        ),
      };
    default:
      return {};
  }
}

/** What a valid event says about meetings and calendar events. */
export function normalise(event: CronofyEvent | MeetingBaasEvent, receivedAt: string): Normalised {
  return event.provider === "cronofy"
    ? normaliseCronofy(event, receivedAt)
    : normaliseMeetingBaas(event, receivedAt);
}

export interface TranscriptSegment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

type CronofyTranscriptJson = {
  transcript: {
    paragraphs: {
      speaker: { identifier: string; name?: string };
      start: number;
      end: number;
      sentences: { text: string }[];
    }[];
  };
};
type MeetingBaasTranscriptionJson = {
  result: { utterances: { speaker: string; start: number; end: number; text: string }[] };
};

/** A downloaded transcript in the neutral shape: one segment per speaker turn. */
export function neutralTranscript(
  source: NonNullable<ArtifactFact["download"]>,
  json: unknown,
): TranscriptSegment[] {
  if (source === "cronofy-transcript") {
    return (json as CronofyTranscriptJson).transcript.paragraphs.map((p) => ({
      speaker: p.speaker.name ?? p.speaker.identifier,
      start: p.start,
      end: p.end,
      text: p.sentences.map((s) => s.text).join(" "),
    }));
  }
  return (json as MeetingBaasTranscriptionJson).result.utterances.map((u) => ({
    speaker: u.speaker,
    start: u.start,
    end: u.end,
    text: u.text,
  }));
}
