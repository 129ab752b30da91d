// Fixture factories for Meeting BaaS v2 callbacks and webhooks, and the artifacts behind `bot.completed`'s URLs.
import type {
  MeetingBaasChatMessages,
  MeetingBaasDiarizationSegment,
  MeetingBaasEventName,
  MeetingBaasOutputTranscription,
  MeetingBaasPayloadOf,
  MeetingBaasRawTranscription,
} from "@meeting-webhooks/types";
import { type DeepPartial, deepMerge } from "../merge.js";
import { createRandom, type Random } from "../random.js";
import { type Meeting, meetingFor } from "./meeting.js";
import { type FactoryOptions, iso, isoSeconds, nowOf, quarterHourBefore, randomOf } from "./options.js";
import { meetingBaasArtifactHost, meetingBaasUrlLifetimeSeconds, presignedUrl } from "./presigned.js";

type P<E extends MeetingBaasEventName> = MeetingBaasPayloadOf<E>;

type BotCompleted = P<"bot.completed">;
type BotFailed = P<"bot.failed">;
type BotStatusChange = P<"bot.status_change">;
type BotChatMessage = P<"bot.chat_message">;
type Instance = P<"calendar.event_created">["data"]["instances"][number];
type Extra = BotCompleted["extra"];

/**
 * The files behind `bot.completed`'s signed URLs, by payload field: the names in the provider's artifacts page. The
 * host and the `{bot_id}` folder are stand-ins (`specs/meetingbaas/api.yaml`).
 */
export const artifactFiles = {
  video: "video.mp4",
  audio: "output.flac",
  diarization: "diarization.jsonl",
  raw_transcription: "raw_transcription.json",
  transcription: "output_transcription.json",
  chat_messages: "chat_messages.json",
} as const;
export type ArtifactField = keyof typeof artifactFiles;

interface BotOverrides {
  data?: { bot_id?: string; event_id?: string | null };
  extra?: unknown;
}

/** The bot's id: the same for every factory given the same seed, so one seed tells one bot's story. */
function botIdOf(options: FactoryOptions | undefined, overrides: BotOverrides | undefined): string {
  return overrides?.data?.bot_id ?? randomOf(options, "meetingbaas.bot").uuid();
}

/** Most bots come from a calendar event; those created directly have none. */
function eventIdOf(botId: string): string | null {
  const random = createRandom(`event:${botId}`);
  return random.chance(0.75) ? random.uuid() : null;
}

function extraOf(botId: string, meeting: Meeting): Extra {
  const random = createRandom(`extra:${botId}`);
  if (random.chance(0.2)) return null;
  return {
    crm_deal_id: `D-${random.int(10000, 99999)}`,
    workspace: meeting.company.toLowerCase().replace(/\W+/g, "-"),
  };
}

/**
 * Each person's participant id, as the provider's artifacts page describes it per platform: the Zoom SDK user id on
 * Zoom, an id Meeting BaaS assigns elsewhere. The same id is the chat `sender_id` (always null on Teams) and the
 * diarization `user_id` (Zoom and Google Meet only), so every fixture of one bot agrees.
 */
export function participantIds(botId: string): number[] {
  const meeting = meetingFor(botId);
  if (meeting.platform !== "zoom") return meeting.people.map((_, i) => i + 1);
  const zoomIds = createRandom(`zoom:${botId}`);
  return meeting.people.map(() => zoomIds.int(16_000_000, 16_999_999));
}

/** The chat `sender_id` of the person at `index`: null on Microsoft Teams, which maps no chat sender to a participant. */
function senderIdOf(botId: string, index: number): number | null {
  return meetingFor(botId).platform === "teams" ? null : (participantIds(botId)[index] ?? null);
}

/** Whether anybody wrote in the chat of this bot's meeting: when nobody did, `chat_messages` is null. */
function hadChat(botId: string): boolean {
  return createRandom(`chat:${botId}`).chance(0.75);
}

function participants(botId: string, meeting: Meeting, random: Random): BotCompleted["data"]["participants"] {
  const ids = participantIds(botId);
  return meeting.people.map((person, i) =>
    random.chance(0.3)
      ? { name: person.name, id: ids[i] as number, display_name: `${person.name} (${meeting.company})` }
      : { name: person.name, id: ids[i] as number },
  );
}

/** Signed URLs of every artifact of a bot, valid for 4 hours from `signedAt`. */
export function artifactUrls(botId: string, signedAt: number, random: Random): Record<ArtifactField, string> {
  const urls = {} as Record<ArtifactField, string>;
  for (const [field, file] of Object.entries(artifactFiles) as [ArtifactField, string][]) {
    urls[field] = presignedUrl(
      meetingBaasArtifactHost,
      `/${botId}/${file}`,
      signedAt,
      meetingBaasUrlLifetimeSeconds,
      random,
    );
  }
  return urls;
}

/** `bot.completed`: the bot left, and the recording, diarization and transcription are ready behind signed URLs. */
export function botCompleted(overrides?: DeepPartial<BotCompleted>, options?: FactoryOptions): BotCompleted {
  const random = randomOf(options, "meetingbaas.bot.completed");
  const botId = botIdOf(options, overrides);
  const meeting = meetingFor(botId);
  const sentAt = nowOf(options) - random.int(20, 90) * 1000;
  const exitedAt = sentAt - random.int(60, 240) * 1000 - random.int(0, 999);
  const joinedAt = exitedAt - meeting.durationSeconds * 1000 - random.int(0, 999);
  const people = participants(botId, meeting, random);
  const spoke = new Set(meeting.turns.map((turn) => turn.speaker));
  const base: BotCompleted = {
    event: "bot.completed",
    data: {
      bot_id: botId,
      event_id: eventIdOf(botId),
      participants: people,
      speakers: people.filter((_, i) => spoke.has(i)),
      duration_seconds: meeting.durationSeconds,
      joined_at: iso(joinedAt),
      exited_at: iso(exitedAt),
      data_deleted: false,
      ...artifactUrls(botId, sentAt, random),
      ...(hadChat(botId) ? {} : { chat_messages: null }),
      transcription_provider: "gladia",
      transcription_ids: [random.uuid()],
      sent_at: iso(sentAt),
    },
    extra: extraOf(botId, meeting),
  };
  return deepMerge(base, overrides);
}

const failures = [
  ["BOT_NOT_ACCEPTED", "The bot was not admitted to the meeting from the waiting room."],
  ["TIMEOUT_WAITING_TO_START", "The meeting did not start within the waiting time."],
  ["BOT_REMOVED", "A participant removed the bot from the meeting."],
  ["INVALID_MEETING_URL", "The meeting URL is not a valid Zoom, Google Meet or Microsoft Teams link."],
  ["RECORDING_RIGHTS_NOT_GRANTED", "The host did not allow the bot to record."],
  ["NO_ATTENDEES", "The bot left because nobody else was in the meeting."],
  ["INTERNAL_ERROR", "An internal error stopped the bot."],
] as const;

/** `bot.failed`: the bot could not join, record or finish; `error_code` says why. */
export function botFailed(overrides?: DeepPartial<BotFailed>, options?: FactoryOptions): BotFailed {
  const random = randomOf(options, "meetingbaas.bot.failed");
  const botId = botIdOf(options, overrides);
  const [code, message] = random.pick(failures);
  const base: BotFailed = {
    event: "bot.failed",
    data: {
      bot_id: botId,
      event_id: eventIdOf(botId),
      error_message: message,
      error_code: code,
      sent_at: iso(nowOf(options) - random.int(1, 20) * 1000),
    },
    extra: extraOf(botId, meetingFor(botId)),
  };
  return deepMerge(base, overrides);
}

/** The statuses a bot goes through, in order; a fixture picks one unless `data.status.code` is given. */
export const botLifecycle = [
  "queued",
  "joining_call",
  "in_waiting_room",
  "in_call_not_recording",
  "in_call_recording",
  "call_ended",
  "recording_succeeded",
  "transcribing",
  "completed",
] as const;

/** `bot.status_change`: the bot entered a new status, with the fields that status carries. */
export function botStatusChange(
  overrides?: DeepPartial<BotStatusChange>,
  options?: FactoryOptions,
): BotStatusChange {
  const random = randomOf(options, "meetingbaas.bot.status_change");
  const botId = botIdOf(options, overrides);
  const code = overrides?.data?.status?.code ?? random.pick(botLifecycle);
  const createdAt = nowOf(options) - random.int(0, 5000);
  const status: BotStatusChange["data"]["status"] = { code, created_at: iso(createdAt) };
  if (code === "in_call_recording") status.start_time = Math.floor(createdAt / 1000) - random.int(0, 3);
  if (code === "recording_failed") status.error_message = "The recording could not be saved.";
  const base: BotStatusChange = {
    event: "bot.status_change",
    data: { bot_id: botId, event_id: eventIdOf(botId), status },
    extra: extraOf(botId, meetingFor(botId)),
  };
  return deepMerge(base, overrides);
}

const chatLines = [
  "Sharing the deck in the chat now.",
  "Can everyone see my screen?",
  "Link to the doc: https://docs.example-workspace.com/d/8f3kq2",
  "Sorry, my audio dropped for a minute.",
  "+1 to shipping it in January.",
];

/** `bot.chat_message`: the bot read a message in the meeting chat. */
export function botChatMessage(
  overrides?: DeepPartial<BotChatMessage>,
  options?: FactoryOptions,
): BotChatMessage {
  const random = randomOf(options, "meetingbaas.bot.chat_message");
  const botId = botIdOf(options, overrides);
  const meeting = meetingFor(botId);
  const sender = random.int(0, meeting.people.length - 1);
  const base: BotChatMessage = {
    event: "bot.chat_message",
    data: {
      bot_id: botId,
      event_id: eventIdOf(botId),
      message_id: random.uuid(),
      sender_name: meeting.people[sender]?.name ?? "Guest",
      sender_id: senderIdOf(botId, sender),
      text: random.pick(chatLines),
      sent_at: iso(nowOf(options) - random.int(0, 3000)),
    },
    extra: extraOf(botId, meeting),
  };
  return deepMerge(base, overrides);
}

// ---- calendar events ---------------------------------------------------------------------------------------

interface CalendarOverrides {
  data?: { calendar_id?: string };
}

function calendarIdOf(options: FactoryOptions | undefined, overrides: CalendarOverrides | undefined): string {
  return overrides?.data?.calendar_id ?? randomOf(options, "meetingbaas.calendar").uuid();
}

function calendarAccount(calendarId: string) {
  const meeting = meetingFor(calendarId);
  const random = createRandom(`calendar:${calendarId}`);
  return {
    platform: random.pick(["google", "microsoft"] as const),
    email: (meeting.people[0] as { email: string }).email,
    createdAt: defaultCreatedAt(random),
  };
}

function defaultCreatedAt(random: Random): number {
  return Date.UTC(2026, 9, 1) + random.int(0, 40) * 86_400_000 + random.int(0, 86_399) * 1000;
}

const meetingPlatform = { zoom: "zoom", meet: "meet", teams: "teams" } as const;

function instance(
  random: Random,
  start: number,
  minutes: number,
  seriesKey: string,
  scheduled: boolean,
): Instance {
  const meeting = meetingFor(seriesKey);
  return {
    event_id: random.uuid(),
    start: isoSeconds(start),
    end: isoSeconds(start + minutes * 60_000),
    title: meeting.title,
    status: "confirmed",
    is_all_day: false,
    is_exception: false,
    bot_scheduled: scheduled,
    meeting_url: meeting.joinUrl,
    meeting_platform: meetingPlatform[meeting.platform],
  };
}

/** A one-off event or a weekly series of 1 to 4 instances, starting in the days after `now`. */
function series(random: Random, now: number) {
  const seriesId = random.uuid();
  const recurring = random.chance(0.4);
  const scheduled = random.chance(0.5);
  const first = quarterHourBefore(now) + random.int(1, 10) * 86_400_000 + random.int(0, 16) * 1_800_000;
  const count = recurring ? random.int(2, 4) : 1;
  const minutes = random.pick([30, 45, 60]);
  return {
    event_type: recurring ? ("recurring" as const) : ("one_off" as const),
    series_id: seriesId,
    series_bot_scheduled: scheduled,
    instances: Array.from({ length: count }, (_, i) =>
      instance(random, first + i * 7 * 86_400_000, minutes, seriesId, scheduled),
    ),
  };
}

type ConnectionCreated = P<"calendar.connection_created">;
type ConnectionUpdated = P<"calendar.connection_updated">;
type ConnectionDeleted = P<"calendar.connection_deleted">;
type EventsSynced = P<"calendar.events_synced">;
type EventCreated = P<"calendar.event_created">;
type EventUpdated = P<"calendar.event_updated">;
type EventCancelled = P<"calendar.event_cancelled">;

/** `calendar.connection_created`: a Google or Microsoft calendar was connected. */
export function calendarConnectionCreated(
  overrides?: DeepPartial<ConnectionCreated>,
  options?: FactoryOptions,
): ConnectionCreated {
  const calendarId = calendarIdOf(options, overrides);
  const account = calendarAccount(calendarId);
  const base: ConnectionCreated = {
    event: "calendar.connection_created",
    data: {
      calendar_id: calendarId,
      calendar_platform: account.platform,
      account_email: account.email,
      status: "active",
      created_at: iso(nowOf(options) - 1500),
    },
  };
  return deepMerge(base, overrides);
}

/** `calendar.connection_updated`: a connection changed, most often its status (here `revoked` or `error`). */
export function calendarConnectionUpdated(
  overrides?: DeepPartial<ConnectionUpdated>,
  options?: FactoryOptions,
): ConnectionUpdated {
  const random = randomOf(options, "meetingbaas.calendar.connection_updated");
  const calendarId = calendarIdOf(options, overrides);
  const account = calendarAccount(calendarId);
  const base: ConnectionUpdated = {
    event: "calendar.connection_updated",
    data: {
      calendar_id: calendarId,
      calendar_platform: account.platform,
      account_email: account.email,
      status: random.pick(["revoked", "error", "permission_denied", "active"] as const),
      created_at: iso(Math.min(account.createdAt, nowOf(options) - 86_400_000)),
      updated_at: iso(nowOf(options) - random.int(500, 5000)),
    },
  };
  return deepMerge(base, overrides);
}

/** `calendar.connection_deleted`: a calendar connection was deleted. */
export function calendarConnectionDeleted(
  overrides?: DeepPartial<ConnectionDeleted>,
  options?: FactoryOptions,
): ConnectionDeleted {
  const calendarId = calendarIdOf(options, overrides);
  const base: ConnectionDeleted = {
    event: "calendar.connection_deleted",
    data: {
      calendar_id: calendarId,
      calendar_platform: calendarAccount(calendarId).platform,
      deleted_at: iso(nowOf(options) - 2500),
    },
  };
  return deepMerge(base, overrides);
}

/** `calendar.events_synced`: a calendar was synced, with 1 to 3 event series. */
export function calendarEventsSynced(
  overrides?: DeepPartial<EventsSynced>,
  options?: FactoryOptions,
): EventsSynced {
  const random = randomOf(options, "meetingbaas.calendar.events_synced");
  const calendarId = calendarIdOf(options, overrides);
  const base: EventsSynced = {
    event: "calendar.events_synced",
    data: {
      calendar_id: calendarId,
      events: Array.from({ length: random.int(1, 3) }, () => series(random, nowOf(options))),
    },
  };
  return deepMerge(base, overrides);
}

/** `calendar.event_created`: a one-off event or a recurring series appeared in a connected calendar. */
export function calendarEventCreated(
  overrides?: DeepPartial<EventCreated>,
  options?: FactoryOptions,
): EventCreated {
  const random = randomOf(options, "meetingbaas.calendar.event_created");
  const calendarId = calendarIdOf(options, overrides);
  const base: EventCreated = {
    event: "calendar.event_created",
    data: { calendar_id: calendarId, ...series(random, nowOf(options)) },
  };
  return deepMerge(base, overrides);
}

/** `calendar.event_updated`: one occurrence was moved, so it is now an exception to its series. */
export function calendarEventUpdated(
  overrides?: DeepPartial<EventUpdated>,
  options?: FactoryOptions,
): EventUpdated {
  const random = randomOf(options, "meetingbaas.calendar.event_updated");
  const calendarId = calendarIdOf(options, overrides);
  const { instances, ...rest } = series(random, nowOf(options));
  const moved = { ...(instances[0] as Instance), is_exception: rest.event_type === "recurring" };
  const base: EventUpdated = {
    event: "calendar.event_updated",
    data: { calendar_id: calendarId, ...rest, is_exception: moved.is_exception, affected_instances: [moved] },
  };
  return deepMerge(base, overrides);
}

/** `calendar.event_cancelled`: an event, or the occurrences of a series, were cancelled. */
export function calendarEventCancelled(
  overrides?: DeepPartial<EventCancelled>,
  options?: FactoryOptions,
): EventCancelled {
  const random = randomOf(options, "meetingbaas.calendar.event_cancelled");
  const calendarId = calendarIdOf(options, overrides);
  const { instances, series_bot_scheduled: _, ...rest } = series(random, nowOf(options));
  const base: EventCancelled = {
    event: "calendar.event_cancelled",
    data: {
      calendar_id: calendarId,
      ...rest,
      cancelled_instances: instances.map((i) => ({ ...i, status: "cancelled", bot_scheduled: false })),
    },
  };
  return deepMerge(base, overrides);
}

// ---- artifacts ----------------------------------------------------------------------------------------------

interface ArtifactOverrides {
  bot_id?: string;
}

function artifactBotId(
  options: FactoryOptions | undefined,
  overrides: ArtifactOverrides | undefined,
): string {
  return overrides?.bot_id ?? randomOf(options, "meetingbaas.bot").uuid();
}

function words(text: string, start: number, end: number, random: Random) {
  const parts = text.split(" ");
  const step = (end - start) / parts.length;
  return parts.map((word, i) => ({
    word: i === 0 ? word : ` ${word}`,
    start: Math.round((start + i * step) * 100) / 100,
    end: Math.round((start + (i + 1) * step - 0.02) * 100) / 100,
    confidence: random.float(0.82, 1, 3),
  }));
}

function utterances<S>(meeting: Meeting, random: Random, speakerOf: (index: number) => S) {
  return meeting.turns.map((turn) => {
    const text = turn.sentences.map((s) => s.text).join(" ");
    return {
      text,
      language: meeting.language,
      start: turn.start,
      end: turn.end,
      confidence: random.float(0.85, 0.99, 3),
      channel: 0,
      words: words(text, turn.start, turn.end, random),
      speaker: speakerOf(turn.speaker),
    };
  });
}

/** The processed transcription behind `data.transcription`: the same meeting (speakers, length) as the bot's payloads. */
export function transcription(
  overrides?: DeepPartial<MeetingBaasOutputTranscription>,
  options?: FactoryOptions,
): MeetingBaasOutputTranscription {
  const random = randomOf(options, "meetingbaas.transcription");
  const botId = artifactBotId(options, overrides);
  const meeting = meetingFor(botId);
  const said = utterances(meeting, random, (i) => meeting.people[i]?.name ?? `Speaker ${i + 1}`);
  const base: MeetingBaasOutputTranscription = {
    bot_id: botId,
    provider: "gladia",
    result: {
      utterances: said,
      languages: [meeting.language],
      total_utterances: said.length,
      total_duration: meeting.durationSeconds,
    },
    created_at: iso(nowOf(options) - 120_000),
  };
  return deepMerge(base, overrides);
}

/** The transcription provider's own output behind `data.raw_transcription` (one Gladia result). */
export function rawTranscription(
  overrides?: DeepPartial<MeetingBaasRawTranscription>,
  options?: FactoryOptions,
): MeetingBaasRawTranscription {
  const random = randomOf(options, "meetingbaas.raw_transcription");
  const botId = artifactBotId(options, overrides);
  const meeting = meetingFor(botId);
  const said = utterances(meeting, random, (i) => i);
  const base: MeetingBaasRawTranscription = {
    bot_id: botId,
    transcriptions: [
      {
        metadata: {
          audio_duration: meeting.durationSeconds,
          number_of_distinct_channels: 1,
          billing_time: meeting.durationSeconds,
          transcription_time: random.float(8, 40),
        },
        transcription: {
          full_transcript: said.map((u) => u.text).join(" "),
          languages: [meeting.language],
          utterances: said,
        },
      },
    ],
    created_at: iso(nowOf(options) - 125_000),
  };
  return deepMerge(base, overrides);
}

/** The diarization behind `data.diarization`: who spoke when, one segment per turn (a JSON Lines file). */
export function diarization(options?: FactoryOptions & { botId?: string }): MeetingBaasDiarizationSegment[] {
  const botId = options?.botId ?? randomOf(options, "meetingbaas.bot").uuid();
  const meeting = meetingFor(botId);
  const userIds = participantIds(botId);
  // Zoom segments carry the user id and the language; Google Meet segments the assigned id; Teams segments neither.
  return meeting.turns.map((turn) => ({
    speaker: meeting.people[turn.speaker]?.name ?? `Speaker ${turn.speaker + 1}`,
    start_time: turn.start,
    end_time: turn.end,
    ...(meeting.platform === "teams" ? {} : { user_id: userIds[turn.speaker] as number }),
    ...(meeting.platform === "zoom" ? { lang: meeting.language } : {}),
  }));
}

/** One line of the diarization file. */
export function diarizationSegment(
  overrides?: DeepPartial<MeetingBaasDiarizationSegment>,
  options?: FactoryOptions & { botId?: string },
): MeetingBaasDiarizationSegment {
  const segments = diarization(options);
  const random = randomOf(options, "meetingbaas.diarization_segment");
  return deepMerge(random.pick(segments), overrides);
}

/**
 * The chat behind `data.chat_messages`: what the participants wrote during the meeting and the bot's own greeting
 * (bot-sent messages are in this file, never in a `bot.chat_message` webhook), in the order they were sent.
 */
export function chatMessages(options?: FactoryOptions & { botId?: string }): MeetingBaasChatMessages {
  const botId = options?.botId ?? randomOf(options, "meetingbaas.bot").uuid();
  const meeting = meetingFor(botId);
  const random = createRandom(`chat:${botId}:messages`);
  const startedAt = nowOf(options) - 125_000 - meeting.durationSeconds * 1000;
  const messageId = () =>
    meeting.platform === "meet"
      ? `spaces/${random.alphanumeric(12)}/messages/${random.int(1_000_000_000, 9_999_999_999)}`
      : random.uuid();
  const botSenderId = meeting.platform === "teams" ? null : Math.max(...participantIds(botId)) + 1;
  const messages: MeetingBaasChatMessages = [
    {
      message_id: messageId(),
      sender_name: `${meeting.company} Notetaker`,
      sender_id: botSenderId,
      text: `This meeting is recorded and transcribed for ${meeting.company}'s notes.`,
      timestamp: iso(startedAt + random.int(1, 5) * 1000),
    },
  ];
  const count = random.int(1, 3);
  for (let i = 0; i < count; i++) {
    const sender = random.int(0, meeting.people.length - 1);
    const at = Math.round((meeting.durationSeconds * (i + 1) * 1000) / (count + 1));
    messages.push({
      message_id: messageId(),
      sender_name: meeting.people[sender]?.name ?? "Guest",
      sender_id: senderIdOf(botId, sender),
      text: random.pick(chatLines),
      timestamp: iso(startedAt + at + random.int(0, 999)),
    });
  }
  return messages;
}

/** Segments as the file serves them: one JSON object per line. */
export function toJsonLines(segments: readonly unknown[]): string {
  return segments.map((segment) => `${JSON.stringify(segment)}\n`).join("");
}
