// Fixture factories for Cronofy Meeting Agent callbacks and the transcript behind a `transcript/cronofy` resource.
import type { CronofyMeetingAgentTranscript, CronofyPayloadOf } from "@meeting-webhooks/types";
import { apiRoutes } from "../contract.gen.js";
import { type DeepPartial, deepMerge } from "../merge.js";
import type { Random } from "../random.js";
import { meetingFor as anyMeetingFor, type Meeting, type Platform } from "./meeting.js";
import { type FactoryOptions, isoSeconds, nowOf, quarterHourBefore, randomOf } from "./options.js";

type Activated = CronofyPayloadOf<"meeting_agent_activated">;
type Complete = CronofyPayloadOf<"meeting_agent_complete">;
type Failed = CronofyPayloadOf<"meeting_agent_failed">;
type Resource = Complete["meeting_agent"]["resources"][number];

/**
 * Where the fixtures' resource URLs point: the stand-in host of `specs/cronofy/api.yaml` (Cronofy documents
 * neither the host nor the path of resource URLs).
 */
export const cronofyApiBase: string = apiRoutes.cronofyGetMeetingAgentResource.servers[0] as string;
/** The stand-in host of the fixtures' dashboard links (a page for a browser; its URL is not documented). */
export const cronofyDashboardBase = "https://cronofy-dashboard.example.invalid";

/** Cronofy's documents show only Zoom conferencing (`provider_name: "zoom"`); names for other services are unknown. */
const cronofyPlatforms: readonly Platform[] = ["zoom"];
const conferencingProvider: Partial<Record<Platform, string>> = { zoom: "zoom" };
const meetingFor = (sub: string): Meeting => anyMeetingFor(sub, cronofyPlatforms);
const timeZones = [
  "Europe/Berlin",
  "Europe/London",
  "America/New_York",
  "America/Los_Angeles",
  "Asia/Singapore",
];
/** Subtypes a Meeting Agent fails with, most common first. */
const failureSubtypes = [
  "meeting_agent_rejected",
  "join_timeout",
  "meeting_not_found",
  "access_denied",
  "meeting_agent_activation_failed",
  "internal_error",
  "no_meeting_authorization",
  "meeting_agents_disabled",
] as const;

/** The Meeting Agent's id: the same for every factory given the same seed, so one seed tells one agent's story. */
function subOf(
  options: FactoryOptions | undefined,
  overrides: { meeting_agent?: { sub?: string } } | undefined,
): string {
  return overrides?.meeting_agent?.sub ?? `agt_${randomOf(options, "cronofy.sub").hex(24)}`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The calendar event, scheduled so that the meeting ended shortly before `now` (or starts soon after it). */
function calendarEvent(random: Random, meeting: Meeting, startsAt: number): Activated["event"] {
  const end = startsAt + Math.ceil(meeting.durationSeconds / 900 + 0.5) * 900_000;
  return {
    event_id: `${slug(meeting.title)}-${isoSeconds(startsAt).slice(0, 10)}`,
    summary: meeting.title,
    start: isoSeconds(startsAt),
    end: isoSeconds(end),
    tzid: random.pick(timeZones),
    conferencing: {
      provider_name: conferencingProvider[meeting.platform] as string,
      join_url: meeting.joinUrl,
    },
    meeting_agent: { profile_id: "cronofy" },
  };
}

function dashboard(sub: string): Resource {
  return { category: "cronofy", type: "dashboard", url: `${cronofyDashboardBase}/meeting_agents/${sub}` };
}

/** `GET` this with the API key to locate a resource's file. */
export function cronofyResourceUrl(sub: string, category: string): string {
  return `${cronofyApiBase}/v1/meeting_agents/${sub}/resources/${category}`;
}

/** `meeting_agent_activated`: the agent is preparing to join, a few minutes before the meeting starts. */
export function meetingAgentActivated(
  overrides?: DeepPartial<Activated>,
  options?: FactoryOptions,
): Activated {
  const random = randomOf(options, "cronofy.meeting_agent_activated");
  const sub = subOf(options, overrides);
  const meeting = meetingFor(sub);
  const startsAt = quarterHourBefore(nowOf(options)) + 900_000;
  const base: Activated = {
    notification: { type: "event_subscription", interactions: [{ type: "meeting_agent_activated" }] },
    event: calendarEvent(random, meeting, startsAt),
    meeting_agent: { sub, state: "created", resources: [dashboard(sub)] },
  };
  return deepMerge(base, overrides);
}

/** `meeting_agent_complete`: recorded and processed, with the transcript, audio and video to download. */
export function meetingAgentComplete(overrides?: DeepPartial<Complete>, options?: FactoryOptions): Complete {
  const random = randomOf(options, "cronofy.meeting_agent_complete");
  const sub = subOf(options, overrides);
  const meeting = meetingFor(sub);
  const startsAt = quarterHourBefore(nowOf(options) - meeting.durationSeconds * 1000 - 120_000);
  const base: Complete = {
    notification: { type: "event_subscription", interactions: [{ type: "meeting_agent_complete" }] },
    event: calendarEvent(random, meeting, startsAt),
    meeting_agent: {
      sub,
      state: "complete",
      details: { recording: { duration_seconds: meeting.durationSeconds } },
      resources: [
        dashboard(sub),
        { category: "transcript", type: "cronofy", url: cronofyResourceUrl(sub, "transcript") },
        { category: "audio", type: "voice", url: cronofyResourceUrl(sub, "audio") },
        { category: "video", type: "conference", url: cronofyResourceUrl(sub, "video") },
      ],
    },
  };
  return deepMerge(base, overrides);
}

/** `meeting_agent_failed`: the agent could not join or record; the interaction's `subtype` says why. */
export function meetingAgentFailed(overrides?: DeepPartial<Failed>, options?: FactoryOptions): Failed {
  const random = randomOf(options, "cronofy.meeting_agent_failed");
  const sub = subOf(options, overrides);
  const meeting = meetingFor(sub);
  const startsAt = quarterHourBefore(nowOf(options));
  const base: Failed = {
    notification: {
      type: "event_subscription",
      interactions: [{ type: "meeting_agent_failed", subtype: random.pick(failureSubtypes) }],
    },
    event: calendarEvent(random, meeting, startsAt),
    meeting_agent: { sub, state: "complete", resources: [dashboard(sub)] },
  };
  return deepMerge(base, overrides);
}

/** The transcript behind the `transcript/cronofy` resource of a Meeting Agent: the same meeting as its callbacks. */
export function transcript(
  overrides?: DeepPartial<CronofyMeetingAgentTranscript>,
  options?: FactoryOptions,
): CronofyMeetingAgentTranscript {
  const sub = subOf(options, overrides);
  const meeting = meetingFor(sub);
  const identifiers = meeting.people.map((_, i) => `speaker_${i + 1}`);
  const base: CronofyMeetingAgentTranscript = {
    meeting_agent: { sub },
    transcript: {
      summary: meeting.summary,
      paragraphs: meeting.turns.map((turn) => ({
        speaker: {
          identifier: identifiers[turn.speaker] as string,
          name: meeting.people[turn.speaker]?.name,
        },
        start: turn.start,
        end: turn.end,
        sentences: turn.sentences.map(({ text, start, end }) => ({ text, start, end })),
      })),
    },
  };
  return deepMerge(base, overrides);
}
