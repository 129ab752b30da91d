// What each conformance scenario sends: real deliveries built with the factories and `buildDelivery`, signed with the
// endpoint's secrets, then (for the refusal scenarios) broken in exactly one way. One builder per scenario id; the
// table in `scenarios.ts` says in words what each builds.
import type { Channel, Provider } from "@meeting-webhooks/types";
import { webhookCatalog } from "../contract.gen.js";
import { buildDelivery, type Delivery, type DeliveryOptions } from "../delivery.js";
import { factoryFor } from "../factories/index.js";
import { webhookExamples } from "./examples.gen.js";
import {
  calendarConnectionError,
  largestBotCompleted,
  longSummary,
  peopleNamed,
  unicodeNames,
  unicodeText,
  withEscapedCharacter,
} from "./payloads.js";
import type { ScenarioId } from "./scenarios.js";
import type { ConformanceTarget } from "./targets.js";

export interface ProbeContext {
  target: ConformanceTarget;
  provider: Provider;
  channel: Channel;
  url: string;
  /** The endpoint's secrets: every one signs (as the provider does while rotating); callbacks carry the first. */
  secrets: readonly string[];
  method: "POST" | "PUT";
  /** Unique per run: fixtures are seeded with it, so that only `redelivery` sends a delivery an endpoint has seen. */
  run: string;
}

/** One delivery of a scenario, with what it is in words for the report. */
export interface Probe {
  label: string;
  delivery: Delivery;
}

type ProbeBuilder = (context: ProbeContext) => Promise<Probe[]>;
type Payload = Record<string, unknown>;

/** The header that carries the credential on each target. */
const credentialHeader: Record<ConformanceTarget, string> = {
  "cronofy/callback": "cronofy-hmac-sha256",
  "meetingbaas/callback": "x-mb-secret",
  "meetingbaas/webhook": "svix-signature",
};

/** The event each scenario that needs one meeting's final delivery uses. */
function finalEvent(context: ProbeContext): string {
  return context.provider === "cronofy" ? "meeting_agent_complete" : "bot.completed";
}

function randomBase64(bytes: number): string {
  let binary = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A secret of the right form that the endpoint cannot have: a fresh random one. */
function strangerSecret(target: ConformanceTarget): string {
  return target === "meetingbaas/webhook" ? `whsec_${randomBase64(24)}` : `stand-in-${randomBase64(18)}`;
}

/** The secret with its last character changed: same length, same prefix. */
function nearMiss(secret: string): string {
  return secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a");
}

/** A delivery signed as the provider signs it; `timestamp` moves a Svix signature in time. */
function sign(
  context: ProbeContext,
  payload: unknown,
  secrets: readonly string[] = context.secrets,
  timestamp?: number,
): Promise<Delivery> {
  const { url } = context;
  const options: DeliveryOptions =
    context.target === "cronofy/callback"
      ? { provider: "cronofy", url, secret: secrets }
      : context.target === "meetingbaas/callback"
        ? {
            provider: "meetingbaas",
            channel: "callback",
            url,
            secret: secrets[0] as string,
            method: context.method,
          }
        : {
            provider: "meetingbaas",
            channel: "webhook",
            url,
            secret: secrets,
            ...(timestamp === undefined ? {} : { timestamp }),
          };
  return buildDelivery(payload, options);
}

/** The same delivery with headers replaced (`undefined` removes one); it can no longer be signed again. */
function withHeaders(delivery: Delivery, patch: Record<string, string | undefined>): Delivery {
  const headers = { ...delivery.headers };
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const { resign: _, ...rest } = delivery;
  return { ...rest, headers };
}

/** A factory's payload for this run: `label` makes it distinct from every other payload of the run. */
function fixture(context: ProbeContext, event: string, label: string, overrides?: unknown): Payload {
  const factory = factoryFor(context.provider, event) as (overrides?: unknown, options?: object) => Payload;
  return factory(overrides, { seed: `${context.run}:${label}`, now: Date.now() });
}

async function one(context: ProbeContext, label: string, payload: unknown): Promise<Probe[]> {
  return [{ label, delivery: await sign(context, payload) }];
}

/** A valid final delivery whose credential header is replaced by `value(secret)` (undefined removes it). */
async function withCredential(
  context: ProbeContext,
  scenario: string,
  value: (secret: string) => string | undefined,
  label: string,
): Promise<Probe[]> {
  const delivery = await sign(context, fixture(context, finalEvent(context), scenario));
  const header = credentialHeader[context.target];
  return [
    {
      label: `${finalEvent(context)} ${label}`,
      delivery: withHeaders(delivery, { [header]: value(context.secrets[0] as string) }),
    },
  ];
}

function eventsOf(context: ProbeContext): string[] {
  return [
    ...new Set(
      webhookCatalog
        .filter((w) => w.provider === context.provider && w.channel === context.channel)
        .map((w) => w.event),
    ),
  ];
}

export const probeBuilders: Record<ScenarioId, ProbeBuilder> = {
  examples: async (context) =>
    Promise.all(
      webhookExamples
        .filter((e) => e.provider === context.provider && e.channels.includes(context.channel))
        .map(async (e) => ({ label: `${e.event} (${e.file})`, delivery: await sign(context, e.payload) })),
    ),

  generated: async (context) =>
    Promise.all(
      eventsOf(context).flatMap((event) =>
        [1, 2, 3].map(async (n) => ({
          label: `${event} (generated #${n})`,
          delivery: await sign(context, fixture(context, event, `generated:${event}:${n}`)),
        })),
      ),
    ),

  redelivery: async (context) => {
    const first = await sign(context, fixture(context, finalEvent(context), "redelivery"));
    // Svix signs every attempt anew with the same svix-id; the other schemes send the same bytes again.
    const again = first.resign ? await first.resign(Date.now()) : first;
    return [
      { label: `${finalEvent(context)}, first delivery`, delivery: first },
      { label: `${finalEvent(context)}, the same delivery again (a retry)`, delivery: again },
    ];
  },

  "signature-invalid": (context) =>
    withCredential(
      context,
      "signature-invalid",
      (secret) =>
        context.target === "meetingbaas/callback"
          ? nearMiss(secret)
          : context.target === "meetingbaas/webhook"
            ? `v1,${randomBase64(32)}`
            : randomBase64(32),
      context.target === "meetingbaas/callback"
        ? "with x-mb-secret one character off"
        : "with a signature that matches nothing",
    ),

  "signature-missing": (context) =>
    withCredential(
      context,
      "signature-missing",
      () => undefined,
      `without ${credentialHeader[context.target]}`,
    ),

  "signature-other-secret": async (context) => [
    {
      label: `${finalEvent(context)} signed with a secret that is not yours`,
      delivery: await sign(context, fixture(context, finalEvent(context), "signature-other-secret"), [
        strangerSecret(context.target),
      ]),
    },
  ],

  "body-tampered": async (context) => {
    const delivery = await sign(context, fixture(context, finalEvent(context), "body-tampered"));
    const payload = JSON.parse(delivery.body) as Payload;
    const field = context.provider === "cronofy" ? "meeting_agent.sub" : "data.bot_id";
    if (context.provider === "cronofy") {
      const other = fixture(context, "meeting_agent_complete", "body-tampered:other");
      (payload.meeting_agent as Payload).sub = (other.meeting_agent as Payload).sub;
    } else {
      (payload.data as Payload).bot_id = crypto.randomUUID();
    }
    const { resign: _, ...signed } = delivery;
    return [
      {
        label: `${finalEvent(context)} signed, then ${field} changed`,
        delivery: { ...signed, body: JSON.stringify(payload) },
      },
    ];
  },

  "timestamp-outside-tolerance": async (context) => {
    const payload = fixture(context, "bot.completed", "timestamp-outside-tolerance");
    const tenMinutes = 600_000;
    return [
      {
        label: "bot.completed signed 10 minutes ago",
        delivery: await sign(context, payload, context.secrets, Date.now() - tenMinutes),
      },
      {
        label: "bot.completed signed 10 minutes ahead",
        delivery: await sign(context, payload, context.secrets, Date.now() + tenMinutes),
      },
    ];
  },

  "unknown-event": async (context) => {
    if (context.target === "meetingbaas/webhook")
      return one(context, "calendar.connection_error", calendarConnectionError(crypto.randomUUID()));
    if (context.target === "meetingbaas/callback") {
      const completed = fixture(context, "bot.completed", "unknown-event");
      const data = completed.data as Payload;
      const payload = {
        event: "bot.stand_in_new_event",
        data: { bot_id: data.bot_id, event_id: data.event_id, sent_at: data.sent_at },
        extra: completed.extra,
      };
      return one(context, "bot.stand_in_new_event", payload);
    }
    const payload = fixture(context, "meeting_agent_complete", "unknown-event", {
      notification: { interactions: [{ type: "meeting_agent_stand_in_new_event" }] },
    });
    return one(context, "meeting_agent_stand_in_new_event", payload);
  },

  "schema-violation": async (context) => {
    const wrong = "forty-two minutes";
    const overrides =
      context.provider === "cronofy"
        ? { meeting_agent: { details: { recording: { duration_seconds: wrong } } } }
        : { data: { duration_seconds: wrong } };
    const field =
      context.provider === "cronofy" ? "details.recording.duration_seconds" : "data.duration_seconds";
    return one(
      context,
      `${finalEvent(context)} with ${field} a string`,
      fixture(context, finalEvent(context), "schema-violation", overrides),
    );
  },

  "out-of-order": async (context) => {
    const seed = { seed: `${context.run}:out-of-order`, now: Date.now() };
    const factory = (event: string) =>
      factoryFor(context.provider, event) as (overrides?: unknown, options?: object) => Payload;
    const sequence: [string, Payload][] =
      context.provider === "cronofy"
        ? [
            ["meeting_agent_complete", factory("meeting_agent_complete")(undefined, seed)],
            [
              "meeting_agent_activated of the same agent",
              factory("meeting_agent_activated")(undefined, seed),
            ],
          ]
        : [
            ["bot.completed", factory("bot.completed")(undefined, seed)],
            [
              "bot.status_change in_call_recording of the same bot",
              factory("bot.status_change")({ data: { status: { code: "in_call_recording" } } }, seed),
            ],
            [
              "bot.status_change joining_call of the same bot",
              factory("bot.status_change")({ data: { status: { code: "joining_call" } } }, seed),
            ],
          ];
    return Promise.all(
      sequence.map(async ([label, payload]) => ({ label, delivery: await sign(context, payload) })),
    );
  },

  unicode: async (context) => {
    if (context.provider === "cronofy") {
      const payload = fixture(context, "meeting_agent_complete", "unicode", {
        event: { summary: unicodeText },
      });
      return one(
        context,
        "meeting_agent_complete with a summary in many scripts",
        withEscapedCharacter(payload),
      );
    }
    const people = peopleNamed(unicodeNames, 4200);
    const completed = fixture(context, "bot.completed", "unicode", {
      data: { participants: people, speakers: people },
    });
    const second =
      context.channel === "webhook"
        ? fixture(context, "bot.chat_message", "unicode", {
            data: { text: unicodeText, sender_name: unicodeNames[1] },
          })
        : fixture(context, "bot.failed", "unicode", { data: { error_message: unicodeText } });
    return [
      {
        label: "bot.completed with people named in many scripts",
        delivery: await sign(context, withEscapedCharacter(completed)),
      },
      {
        label: `${String(second.event)} with text in many scripts`,
        delivery: await sign(context, withEscapedCharacter(second)),
      },
    ];
  },

  "large-payload": async (context) => {
    const payload =
      context.provider === "cronofy"
        ? fixture(context, "meeting_agent_complete", "large-payload", { event: { summary: longSummary } })
        : largestBotCompleted({ seed: `${context.run}:large-payload`, now: Date.now() });
    const delivery = await sign(context, payload);
    const kib = Math.round(new TextEncoder().encode(delivery.body).length / 1024);
    return [{ label: `${finalEvent(context)} of ${kib} KiB`, delivery }];
  },

  "content-type-charset": async (context) => {
    const delivery = await sign(context, fixture(context, "bot.completed", "content-type-charset"));
    const contentType = "application/json; charset=utf-8";
    return [
      {
        label: `bot.completed with Content-Type: ${contentType}`,
        delivery: withHeaders(delivery, { "content-type": contentType }),
      },
    ];
  },

  rotation: async (context) => [
    {
      label: `${finalEvent(context)} signed with a secret you do not have, then with yours`,
      delivery: await sign(context, fixture(context, finalEvent(context), "rotation"), [
        strangerSecret(context.target),
        ...context.secrets,
      ]),
    },
  ],
};
