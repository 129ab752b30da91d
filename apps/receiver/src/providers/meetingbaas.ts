// Everything the receiver knows about Meeting BaaS v2: how callbacks and account webhooks map to the neutral model
// (status codes included), which artifacts to download (through their presigned URLs), and how the transcription
// JSON maps to neutral segments, and its environment variables.
import { devSecrets } from "@meeting-webhooks/mocks";
import type { MeetingBaasOutputTranscription, MeetingBaasWebhookEvent } from "@meeting-webhooks/types";
import type { ArtifactFact, CalendarEventFact, Normalised, TranscriptSegment } from "./facts.js";
import { fetchPresigned, type ProviderModule } from "./module.js";

type MeetingBaasEvent = MeetingBaasWebhookEvent;

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
  switch (event.name) {
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
      add("chat_messages", data.chat_messages);
      add("transcript", data.transcription, "meetingbaas/transcription");
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

/** A checked Meeting BaaS transcription: one segment per utterance. */
function meetingBaasTranscript(json: MeetingBaasOutputTranscription): TranscriptSegment[] {
  return json.result.utterances.map((u) => ({
    speaker: u.speaker,
    start: u.start,
    end: u.end,
    text: u.text,
  }));
}

export const meetingBaas: ProviderModule<"meetingbaas"> = {
  provider: "meetingbaas",
  events: [
    "bot.status_change",
    "bot.completed",
    "bot.failed",
    "bot.chat_message",
    "calendar.connection_created",
    "calendar.connection_updated",
    "calendar.connection_deleted",
    "calendar.events_synced",
    "calendar.event_created",
    "calendar.event_updated",
    "calendar.event_cancelled",
  ],
  normalise: normaliseMeetingBaas,
  downloads: ["meetingbaas/transcription"],
  fetchDownload: (url, { fetch }) => fetchPresigned(url, fetch),
  transcriptOf: (_download, json) => meetingBaasTranscript(json as MeetingBaasOutputTranscription),
  cannotDownload: () => null,
  freshUrlsAdvice:
    "An artifact URL expired: fresh URLs come from Meeting BaaS `GET /v2/bots/{bot_id}`; `POST /v2/bots/{bot_id}/retry-callback` also sends the callback again with new URLs.",
  variables: [
    {
      name: "MEETINGBAAS_CALLBACK_SECRETS",
      description: "the secret(s) given in bots' callback_config, sent back as x-mb-secret (comma-separated)",
      pointer: "/meetingbaas/callbackSecrets",
      development: devSecrets.meetingBaasCallback,
    },
    {
      name: "MEETINGBAAS_WEBHOOK_SECRET",
      description: "the account webhook signing secret(s), whsec_… (comma-separated while rotating)",
      pointer: "/meetingbaas/webhookSecret",
      development: devSecrets.meetingBaasWebhook,
    },
  ],
  // Either channel may be left out (a team that only uses account webhooks); with neither, the error names both.
  webhooksOptions: (variables, { toleranceSeconds }) => {
    const callbackSecrets = variables.MEETINGBAAS_CALLBACK_SECRETS ?? [];
    const webhookSecret = variables.MEETINGBAAS_WEBHOOK_SECRET ?? [];
    return {
      ...(callbackSecrets.length > 0 ? { callbackSecrets: [...callbackSecrets] } : {}),
      ...(webhookSecret.length > 0 ? { webhookSecret: [...webhookSecret] } : {}),
      toleranceSeconds,
    };
  },
};
