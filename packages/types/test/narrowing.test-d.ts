import { describe, expectTypeOf, it } from "vitest";
import type {
  CronofyEvent,
  CronofyEventName,
  CronofyFailureSubtype,
  MeetingBaasBotStatusCode,
  MeetingBaasCallbackEventName,
  MeetingBaasEvent,
  MeetingBaasEventName,
  MeetingBaasPayload,
  OpenString,
  PayloadOf,
  WebhookEvent,
} from "../src/index.js";

describe("event names", () => {
  it("are the providers' own names, read from the specs", () => {
    expectTypeOf<CronofyEventName>().toEqualTypeOf<
      "meeting_agent_activated" | "meeting_agent_complete" | "meeting_agent_failed"
    >();
    expectTypeOf<MeetingBaasEventName>().toEqualTypeOf<
      | "bot.completed"
      | "bot.failed"
      | "bot.status_change"
      | "bot.chat_message"
      | "calendar.connection_created"
      | "calendar.connection_updated"
      | "calendar.connection_deleted"
      | "calendar.events_synced"
      | "calendar.event_created"
      | "calendar.event_updated"
      | "calendar.event_cancelled"
    >();
    expectTypeOf<MeetingBaasCallbackEventName>().toEqualTypeOf<"bot.completed" | "bot.failed">();
  });

  it("PayloadOf refuses a name no spec declares", () => {
    // @ts-expect-error "bot.exploded" is not an event of either provider
    type _Unknown = PayloadOf<"bot.exploded">;
  });
});

describe("a Meeting BaaS payload", () => {
  it("narrows on its event field", () => {
    const handle = (payload: MeetingBaasPayload) => {
      if (payload.event === "bot.completed") {
        expectTypeOf(payload.data.duration_seconds).toEqualTypeOf<number | null>();
        expectTypeOf(payload.data.transcription).toEqualTypeOf<string | null>();
      } else if (payload.event === "bot.failed") {
        expectTypeOf(payload.data.error_message).toEqualTypeOf<string>();
        // @ts-expect-error a failed bot has no recording duration
        payload.data.duration_seconds;
      } else if (payload.event === "calendar.event_created") {
        // @ts-expect-error calendar events carry no `extra`
        payload.extra;
      }
    };
    expectTypeOf(handle).toBeFunction();
  });

  it("PayloadOf gives the same type as narrowing", () => {
    expectTypeOf<PayloadOf<"bot.status_change">>().toEqualTypeOf<
      Extract<MeetingBaasPayload, { event: "bot.status_change" }>
    >();
  });
});

describe("a delivery event", () => {
  it("narrows on provider and type, for Cronofy too", () => {
    const handle = (event: WebhookEvent) => {
      if (event.provider === "cronofy" && event.type === "meeting_agent_complete") {
        // `details` is optional (Cronofy's resource-download page shows a complete callback without it).
        expectTypeOf(event.payload.meeting_agent.details?.recording.duration_seconds).toEqualTypeOf<
          number | undefined
        >();
      }
      if (event.type === "meeting_agent_activated") {
        expectTypeOf(event).toEqualTypeOf<Extract<CronofyEvent, { type: "meeting_agent_activated" }>>();
      }
    };
    expectTypeOf(handle).toBeFunction();
  });

  it("knows which Meeting BaaS events arrive on which channel", () => {
    expectTypeOf<Extract<MeetingBaasEvent, { channel: "callback" }>["type"]>().toEqualTypeOf<
      "bot.completed" | "bot.failed"
    >();
  });
});

describe("open lists", () => {
  it("accept values added after the contract was written", () => {
    expectTypeOf<"recording_consent_declined">().toExtend<CronofyFailureSubtype>();
    expectTypeOf<"bot_paused_by_host">().toExtend<MeetingBaasBotStatusCode>();
  });

  it("keep the known values as literal types", () => {
    expectTypeOf<"join_timeout">().toExtend<CronofyFailureSubtype>();
    expectTypeOf<Extract<CronofyFailureSubtype, "join_timeout">>().toEqualTypeOf<"join_timeout">();
    expectTypeOf<
      Extract<MeetingBaasBotStatusCode, "in_call_recording">
    >().toEqualTypeOf<"in_call_recording">();
  });

  it("still refuse values of another type", () => {
    // @ts-expect-error a status code is a string
    const _status: MeetingBaasBotStatusCode = 42;
    expectTypeOf<OpenString<"a">>().toEqualTypeOf<"a" | (string & {})>();
  });
});
