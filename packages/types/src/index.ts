// Types for every webhook of both providers. The payload shapes are generated from the contracts (`*.gen.ts`);
// this file only derives the lookups a receiver needs from them, so adding an event to a spec adds it here too.
import type { components as CronofyComponents, webhooks as CronofyWebhooks } from "./cronofy.gen.js";
import type {
  components as MeetingBaasComponents,
  webhooks as MeetingBaasWebhooks,
} from "./meetingbaas.gen.js";

export type * as Cronofy from "./cronofy.gen.js";
export type * as MeetingBaas from "./meetingbaas.gen.js";
/** The sample receiver's own HTTP contract (specs/receiver/openapi.yaml): paths, Meeting, Delivery, Receipt. */
export type * as Receiver from "./receiver.gen.js";

/** A string from an open list: the known values autocomplete, and values added later still type-check. */
export type OpenString<Known extends string> = Known | (string & {});

/**
 * The providers of `@meeting-webhooks/specs/providers`, written out because this package has no runtime dependency;
 * `test/narrowing.test-d.ts` keeps the two equal.
 */
export type Provider = "cronofy" | "meetingbaas";
/** `callback`: set up per meeting agent or bot. `webhook`: set up once for the whole account (Svix). */
export type Channel = "callback" | "webhook";

/** The JSON body a webhook entry of a generated `webhooks` interface receives. */
type BodyOf<Entry> = Entry extends { post: { requestBody?: { content: { "application/json": infer Body } } } }
  ? Body
  : never;

/** `callback/bot.completed` → `bot.completed`; Cronofy's keys are the event names already. */
type EventOfKey<Key> = Key extends `${Channel}/${infer Event}` ? Event : Key;
type ChannelOfKey<Key> = Key extends `${infer C extends Channel}/${string}` ? C : "callback";

type KeysOf<W> = keyof W & string;

// ---- Cronofy ---------------------------------------------------------------------------------------------

export type CronofyEventName = EventOfKey<KeysOf<CronofyWebhooks>>;
export type CronofyPayloadOf<E extends CronofyEventName> = BodyOf<CronofyWebhooks[E]>;
/** Any Cronofy Meeting Agent callback body. Tell them apart with `cronofyEventName` or use `CronofyEvent`. */
export type CronofyPayload = CronofyPayloadOf<CronofyEventName>;

export type CronofyFailureSubtype = CronofyComponents["schemas"]["FailureSubtype"];
export type CronofyInteractionType = CronofyComponents["schemas"]["InteractionType"];
export type CronofyMeetingAgentTranscript = CronofyComponents["schemas"]["MeetingAgentTranscript"];

// ---- Meeting BaaS ----------------------------------------------------------------------------------------

type MeetingBaasKey = KeysOf<MeetingBaasWebhooks>;
export type MeetingBaasEventName = EventOfKey<MeetingBaasKey>;
/** Events Meeting BaaS can send as a per-bot callback (`x-mb-secret`). */
export type MeetingBaasCallbackEventName = EventOfKey<Extract<MeetingBaasKey, `callback/${string}`>>;
/** Events Meeting BaaS sends as account webhooks (Svix). */
export type MeetingBaasWebhookEventName = EventOfKey<Extract<MeetingBaasKey, `webhook/${string}`>>;
export type MeetingBaasPayloadOf<E extends MeetingBaasEventName> = BodyOf<
  MeetingBaasWebhooks[Extract<MeetingBaasKey, `${Channel}/${E}`>]
>;
/** Any Meeting BaaS callback or webhook body, discriminated by its `event` field. */
export type MeetingBaasPayload = MeetingBaasPayloadOf<MeetingBaasEventName>;

export type MeetingBaasBotStatusCode = MeetingBaasComponents["schemas"]["BotStatusCode"];
export type MeetingBaasErrorCode = MeetingBaasComponents["schemas"]["ErrorCode"];
export type MeetingBaasOutputTranscription = MeetingBaasComponents["schemas"]["OutputTranscription"];
export type MeetingBaasRawTranscription = MeetingBaasComponents["schemas"]["RawTranscription"];
export type MeetingBaasDiarizationSegment = MeetingBaasComponents["schemas"]["DiarizationSegment"];
/** The file behind `chat_messages` of `bot.completed`: every chat message of the meeting, the bot's own included. */
export type MeetingBaasChatMessages = MeetingBaasComponents["schemas"]["ChatMessages"];

// ---- Both providers --------------------------------------------------------------------------------------

export type EventName = CronofyEventName | MeetingBaasEventName;
export type EventNameOf<P extends Provider> = P extends "cronofy" ? CronofyEventName : MeetingBaasEventName;

/** The payload of an event by its provider name: `PayloadOf<"bot.completed">`, `PayloadOf<"meeting_agent_failed">`. */
export type PayloadOf<E extends EventName> = E extends CronofyEventName
  ? CronofyPayloadOf<E>
  : E extends MeetingBaasEventName
    ? MeetingBaasPayloadOf<E>
    : never;

// ---- One event shape ---------------------------------------------------------------------------------------
// The same object from parse to handler to inbox to the sample receiver: `{provider, channel, name, payload,
// deliveryKey, drift}`, and from an inbox also `deliveryId` and `attempt`.

/** Something an accepted payload has that the contract does not know yet; the payload is valid regardless. */
export interface ContractIssue {
  /** JSON pointer (RFC 6901) of the value. */
  pointer: string;
  /** The JSON Schema keyword concerned: `additionalProperties` for an unknown property, `enum` for a new value. */
  keyword: string;
  message: string;
  /** What the contract knows there. */
  expected: string;
}

type ProviderOfEvent<N extends EventName> = N extends CronofyEventName ? "cronofy" : "meetingbaas";
/** The channel(s) an event comes on: Cronofy sends callbacks only; Meeting BaaS per its keys. */
type ChannelOfEvent<N extends EventName> = N extends CronofyEventName
  ? "callback"
  : ChannelOfKey<Extract<MeetingBaasKey, `${Channel}/${N}`>>;

/** What every delivered event carries besides its payload. */
export interface DeliveryFacts {
  /** Stable across redeliveries of the same event: de-duplicate on it. */
  deliveryKey: string;
  /** What the payload has that the contract does not know yet (valid regardless). */
  drift: readonly ContractIssue[];
  /** From an inbox: the id it stored the delivery under. Absent when handled in the request. */
  deliveryId?: string;
  /** From an inbox: which run of the handlers this is, 1 the first. Absent when handled in the request. */
  attempt?: number;
  /** From an inbox: when it was stored (RFC 3339, by the database's clock). Absent when handled in the request. */
  receivedAt?: string;
}

/** A known event; `payload` has the exact type of the event named by `name`, `channel` the channels it comes on. */
export type KnownWebhookEvent<N extends EventName = EventName> = N extends EventName
  ? DeliveryFacts & {
      known: true;
      provider: ProviderOfEvent<N>;
      channel: ChannelOfEvent<N>;
      name: N;
      payload: PayloadOf<N>;
    }
  : never;

/** A new event name inside a well-formed envelope: authentic, kept, not in the contract yet. */
export interface UnknownWebhookEvent extends DeliveryFacts {
  known: false;
  provider: Provider;
  channel: Channel;
  /** The event or interaction name the payload carries, if any. */
  name: string | undefined;
  payload: Record<string, unknown>;
}

/** Any accepted delivery's event: `known` tells, then `name` narrows the payload. */
export type AnyWebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;
export type CronofyWebhookEvent = KnownWebhookEvent<CronofyEventName>;
export type MeetingBaasWebhookEvent = KnownWebhookEvent<MeetingBaasEventName>;
