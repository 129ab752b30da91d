// Everything the receiver knows about Cronofy Meeting Agents: how a callback maps to the neutral model, which
// resources to download and how (through the API with the key: a 302 to a presigned URL), and how the transcript
// JSON maps to neutral segments, and its environment variables.
import { devSecrets } from "@meeting-webhooks/mocks";
import type { CronofyMeetingAgentTranscript, CronofyWebhookEvent } from "@meeting-webhooks/types";
import type { ArtifactFact, MeetingFacts, Normalised, TranscriptSegment } from "./facts.js";
import {
  type DownloadContext,
  fetchPresigned,
  type ProviderModule,
  RefusedDownload,
  type VariableValues,
} from "./module.js";

function normaliseCronofy(event: CronofyWebhookEvent, receivedAt: string): Normalised {
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
function cronofyTranscript(json: CronofyMeetingAgentTranscript): TranscriptSegment[] {
  return json.transcript.paragraphs.map((p) => ({
    speaker: p.speaker.name ?? p.speaker.identifier,
    start: p.start,
    end: p.end,
    text: p.sentences.map((s) => s.text).join(" "),
  }));
}

/** `GET {resource.url}` with the API key answers 302 with `{resource: {download_url}}`; then fetch that. */
async function fetchResource(url: string, { fetch, variables }: DownloadContext): Promise<unknown> {
  const first = await fetch(url, {
    headers: { authorization: `Bearer ${apiKeyOf(variables)}`, accept: "application/json" },
    redirect: "manual",
  });
  if (first.status === 401 || first.status === 403)
    throw new RefusedDownload(`Cronofy refused the API key (${first.status}): check CRONOFY_API_KEY`);
  if (first.ok) return first.json();
  if (first.status < 300 || first.status >= 400) throw new Error(`Cronofy answered ${first.status}`);
  const body = (await first.json().catch(() => undefined)) as
    | { resource?: { download_url?: string } }
    | undefined;
  const target = body?.resource?.download_url ?? first.headers.get("location");
  if (!target) throw new Error(`Cronofy answered ${first.status} without a download_url`);
  return fetchPresigned(target, fetch);
}

const apiKeyOf = (variables: VariableValues) => variables.CRONOFY_API_KEY?.[0];

export const cronofy: ProviderModule<"cronofy"> = {
  provider: "cronofy",
  events: ["meeting_agent_activated", "meeting_agent_complete", "meeting_agent_failed"],
  normalise: normaliseCronofy,
  downloads: ["cronofy/transcript"],
  fetchDownload: fetchResource,
  transcriptOf: (_download, json) => cronofyTranscript(json as CronofyMeetingAgentTranscript),
  cannotDownload: (variables) =>
    apiKeyOf(variables) ? null : "set CRONOFY_API_KEY to download Cronofy transcripts",
  freshUrlsAdvice: "A resource URL was refused: locate the resource again through the Cronofy API.",
  variables: [
    {
      name: "CRONOFY_CLIENT_SECRETS",
      description: "Cronofy client secret(s) that sign the callbacks (comma-separated while rotating)",
      pointer: "/cronofy",
      development: devSecrets.cronofy,
    },
    {
      name: "CRONOFY_API_KEY",
      description: "Cronofy API key for downloading resources (transcripts); without it they are linked only",
      mock: "dev-cronofy-api-key",
    },
  ],
  webhooksOptions: (variables) => ({ clientSecrets: [...(variables.CRONOFY_CLIENT_SECRETS ?? [])] }),
};
