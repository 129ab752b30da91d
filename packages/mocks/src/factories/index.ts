// The fixture factories of both providers, and a lookup by the providers' own event names that is checked
// against the contracts' catalog (a new event in a spec without a factory fails a test).
import type { CronofyEventName, MeetingBaasEventName, PayloadOf, Provider } from "@meeting-webhooks/types";
import type { DeepPartial } from "../merge.js";
import * as cronofyFactories from "./cronofy.js";
import * as meetingbaasFactories from "./meetingbaas.js";
import type { FactoryOptions } from "./options.js";

export type { FactoryOptions } from "./options.js";
export { defaultFixtureTime } from "./options.js";

/** Cronofy Meeting Agent callbacks (`meetingAgentComplete`, …) and the `transcript` artifact. */
export const cronofy = {
  meetingAgentActivated: cronofyFactories.meetingAgentActivated,
  meetingAgentComplete: cronofyFactories.meetingAgentComplete,
  meetingAgentFailed: cronofyFactories.meetingAgentFailed,
  transcript: cronofyFactories.transcript,
  resourceUrl: cronofyFactories.cronofyResourceUrl,
};

/** Meeting BaaS callbacks and webhooks (`botCompleted`, `calendarEventCreated`, …) and the artifacts. */
export const meetingbaas = {
  botCompleted: meetingbaasFactories.botCompleted,
  botFailed: meetingbaasFactories.botFailed,
  botStatusChange: meetingbaasFactories.botStatusChange,
  botChatMessage: meetingbaasFactories.botChatMessage,
  calendarConnectionCreated: meetingbaasFactories.calendarConnectionCreated,
  calendarConnectionUpdated: meetingbaasFactories.calendarConnectionUpdated,
  calendarConnectionDeleted: meetingbaasFactories.calendarConnectionDeleted,
  calendarEventsSynced: meetingbaasFactories.calendarEventsSynced,
  calendarEventCreated: meetingbaasFactories.calendarEventCreated,
  calendarEventUpdated: meetingbaasFactories.calendarEventUpdated,
  calendarEventCancelled: meetingbaasFactories.calendarEventCancelled,
  transcription: meetingbaasFactories.transcription,
  rawTranscription: meetingbaasFactories.rawTranscription,
  diarization: meetingbaasFactories.diarization,
  diarizationSegment: meetingbaasFactories.diarizationSegment,
  chatMessages: meetingbaasFactories.chatMessages,
  participantIds: meetingbaasFactories.participantIds,
  artifactUrls: meetingbaasFactories.artifactUrls,
  toJsonLines: meetingbaasFactories.toJsonLines,
};

/** `meeting_agent_complete` → `meetingAgentComplete`, `calendar.event_created` → `calendarEventCreated`. */
export function factoryName(event: string): string {
  return event.replace(/[._]([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export type Factory<E extends string> = (
  overrides?: E extends CronofyEventName | MeetingBaasEventName ? DeepPartial<PayloadOf<E>> : never,
  options?: FactoryOptions,
) => E extends CronofyEventName | MeetingBaasEventName ? PayloadOf<E> : never;

/** Each provider's factories; a provider without its table is a type error (the registry `factoryFor` reads). */
const factoryTables: { readonly [P in Provider]: Record<string, unknown> } = { cronofy, meetingbaas };

/** The factory of an event by its provider name, or undefined when there is none (a test keeps that from happening). */
export function factoryFor<E extends string>(provider: Provider, event: E): Factory<E> | undefined {
  const factory = factoryTables[provider][factoryName(event)];
  return typeof factory === "function" ? (factory as Factory<E>) : undefined;
}
