import type { Channel as SpecsChannel, Provider as SpecsProvider } from "@meeting-webhooks/specs/providers";
import { describe, expectTypeOf, it } from "vitest";
import type {
  AnyWebhookEvent,
  Channel,
  CronofyEventName,
  CronofyFailureSubtype,
  CronofyWebhookEvent,
  KnownWebhookEvent,
  MeetingBaasBotStatusCode,
  MeetingBaasCallbackEventName,
  MeetingBaasEventName,
  MeetingBaasPayload,
  MeetingBaasWebhookEvent,
  OpenString,
  PayloadOf,
  Provider,
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
  it("narrows on provider and name, for Cronofy too", () => {
    const handle = (event: AnyWebhookEvent) => {
      if (!event.known) {
        expectTypeOf(event.name).toEqualTypeOf<string | undefined>();
        return;
      }
      if (event.provider === "cronofy" && event.name === "meeting_agent_complete") {
        // `details` is optional (Cronofy's resource-download page shows a complete callback without it).
        expectTypeOf(event.payload.meeting_agent.details?.recording.duration_seconds).toEqualTypeOf<
          number | undefined
        >();
      }
      if (event.name === "meeting_agent_activated") {
        expectTypeOf(event).toEqualTypeOf<KnownWebhookEvent<"meeting_agent_activated">>();
        expectTypeOf(event.channel).toEqualTypeOf<"callback">();
      }
    };
    expectTypeOf(handle).toBeFunction();
  });

  it("knows which Meeting BaaS events arrive on which channel", () => {
    expectTypeOf<KnownWebhookEvent<"bot.completed">["channel"]>().toEqualTypeOf<"callback" | "webhook">();
    expectTypeOf<KnownWebhookEvent<"bot.status_change">["channel"]>().toEqualTypeOf<"webhook">();
    type CallbackCapable<E> = E extends { channel: infer C; name: infer N }
      ? "callback" extends C
        ? N
        : never
      : never;
    expectTypeOf<CallbackCapable<MeetingBaasWebhookEvent>>().toEqualTypeOf<"bot.completed" | "bot.failed">();
  });

  it("carries the delivery facts, from an inbox also the id and the attempt", () => {
    expectTypeOf<CronofyWebhookEvent["deliveryKey"]>().toEqualTypeOf<string>();
    expectTypeOf<AnyWebhookEvent["attempt"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AnyWebhookEvent["deliveryId"]>().toEqualTypeOf<string | undefined>();
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

describe("the provider and channel unions", () => {
  it("are the one list's, @meeting-webhooks/specs/providers (written out here only for the conditional types)", () => {
    expectTypeOf<Provider>().toEqualTypeOf<SpecsProvider>();
    expectTypeOf<Channel>().toEqualTypeOf<SpecsChannel>();
  });
});
