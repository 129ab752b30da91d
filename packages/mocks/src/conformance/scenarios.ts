// The conformance scenarios as data: what each sends, what the endpoint must answer, why it matters and where the
// rule comes from. The runner, `meeting-webhooks conformance --help` and the docs site all read this one table; the
// deliveries each scenario sends are built in `probes.ts`, one builder per id.
import type { ConformanceTarget } from "./targets.js";

/**
 * What the endpoint must answer every delivery of a scenario with: `accepted` a 2xx within the timeout, `refused`
 * anything but a 2xx, `not-5xx` a 2xx or a 4xx (a 2xx is recommended).
 */
export type Expectation = "accepted" | "refused" | "not-5xx";

/** A text that is the same for every target, or differs per target (signatures differ per provider and channel). */
export type PerTarget = string | { readonly [T in ConformanceTarget]?: string };

export interface ConformanceScenario {
  id: string;
  title: string;
  appliesTo: readonly ConformanceTarget[];
  /** What is sent. */
  sends: PerTarget;
  expects: Expectation;
  /** Why it matters: the mistake it catches and what it costs. Failures add the provider's delivery policy. */
  why: string;
  /** Where the rule comes from: the contract's statement and the provider document behind it. */
  source: PerTarget;
}

const all: readonly ConformanceTarget[] = ["cronofy/callback", "meetingbaas/callback", "meetingbaas/webhook"];
const signed: readonly ConformanceTarget[] = ["cronofy/callback", "meetingbaas/webhook"];
const meetingBaas: readonly ConformanceTarget[] = ["meetingbaas/callback", "meetingbaas/webhook"];

const credentialSources = {
  "cronofy/callback":
    "specs/cronofy/openapi.yaml, header Cronofy-HMAC-SHA256 (cronofy docs: /developers/push-notifications/authentication)",
  "meetingbaas/callback":
    "specs/meetingbaas/openapi.yaml, header x-mb-secret (meetingbaas docs@fd14185: content/docs/api-v2/webhooks.mdx, Callback Security: compare in constant time, answer 401 or 403)",
  "meetingbaas/webhook":
    "specs/meetingbaas/openapi.yaml, header svix-signature (meetingbaas docs@fd14185: content/docs/api-v2/getting-started/webhooks.mdx, Webhook Security; standard-webhooks spec)",
} as const;

const forgery =
  "Accepting what it cannot verify lets anyone forge a meeting. Whoever knows the URL could send a bot.completed " +
  "or meeting_agent_complete with transcript URLs of their choosing, or a failure that was never sent.";

/** Every scenario, in the order they run. */
export const conformanceScenarios = [
  {
    id: "examples",
    title: "Every example of the contract",
    appliesTo: all,
    sends:
      "each example payload the contract gives for each event of the channel (specs/<provider>/examples), signed " +
      "with your secret, as the provider sends it",
    expects: "accepted",
    why: "These are the deliveries the provider documents. An endpoint that refuses or fails one loses that event.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, webhooks and their examples (cronofy docs: /developers/api/meeting-agents/callbacks)",
      "meetingbaas/callback":
        "specs/meetingbaas/openapi.yaml, webhooks callback/* and their examples (meetingbaas docs@fd14185: openapi-v2.json, Callback* schemas)",
      "meetingbaas/webhook":
        "specs/meetingbaas/openapi.yaml, webhooks webhook/* and their examples (meetingbaas docs@fd14185: openapi-v2.json, BotWebhook* and CalendarWebhook* schemas)",
    },
  },
  {
    id: "generated",
    title: "Generated payloads of every event",
    appliesTo: all,
    sends:
      "three payloads per event from the fixture factories of @meeting-webhooks/mocks (other people, times, " +
      "status codes, error codes and platforms than the examples; every one valid against the contract)",
    expects: "accepted",
    why:
      "Real deliveries vary more than the examples. Optional fields are absent, values null, platforms and codes " +
      "other: an endpoint tuned to the examples fails on the first real meeting that differs.",
    source:
      "packages/mocks factories, validated against the contract for random seeds by a property test (test/factories.test.ts)",
  },
  {
    id: "redelivery",
    title: "The same delivery twice",
    appliesTo: all,
    sends: {
      "cronofy/callback": "one meeting_agent_complete, then the same bytes with the same signature again",
      "meetingbaas/callback": "one bot.completed, then the same bytes with the same x-mb-secret again",
      "meetingbaas/webhook":
        "one bot.completed, then the same message again with the same svix-id and body, signed anew, as a Svix retry",
    },
    expects: "accepted",
    why:
      "A retry carries the same delivery again. Providers deliver at least once, so after a lost answer the same " +
      "delivery comes back; an endpoint that fails the second one (a unique-key error answered 500) is retried until it gives up; one that is not " +
      "idempotent acts twice. De-duplicate on the delivery key and answer 2xx.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, info: Authenticity (there is no timestamp, so protect against replays by de-duplicating)",
      "meetingbaas/callback":
        "specs/meetingbaas/openapi.yaml, info: Delivery and retries (make handlers idempotent, since a delivery may arrive more than once)",
      "meetingbaas/webhook":
        "specs/meetingbaas/openapi.yaml, info: Delivery and retries (make handlers idempotent) and header svix-id (the same on every delivery attempt of one message)",
    },
  },
  {
    id: "signature-invalid",
    title: "A signature that matches nothing",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a valid meeting_agent_complete whose Cronofy-HMAC-SHA256 is well-formed Base64 of 32 random bytes",
      "meetingbaas/callback":
        "a valid bot.completed whose x-mb-secret is your secret with its last character changed",
      "meetingbaas/webhook":
        "a valid bot.completed whose svix-signature is a well-formed v1, signature of 32 random bytes",
    },
    expects: "refused",
    why: `${forgery} A near miss catches comparisons that stop early or check only the length.`,
    source: credentialSources,
  },
  {
    id: "signature-missing",
    title: "No signature",
    appliesTo: all,
    sends: {
      "cronofy/callback": "a valid meeting_agent_complete without Cronofy-HMAC-SHA256",
      "meetingbaas/callback": "a valid bot.completed without x-mb-secret",
      "meetingbaas/webhook": "a valid bot.completed with svix-id and svix-timestamp but no svix-signature",
    },
    expects: "refused",
    why: `${forgery} A check that runs only when the header is present checks nothing.`,
    source: credentialSources,
  },
  {
    id: "signature-other-secret",
    title: "Signed with another secret",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a valid meeting_agent_complete signed with a random client secret that is not yours",
      "meetingbaas/callback": "a valid bot.completed whose x-mb-secret is a random secret that is not yours",
      "meetingbaas/webhook":
        "a valid bot.completed signed correctly with a random whsec_ secret that is not yours",
    },
    expects: "refused",
    why: `${forgery} A correct signature under someone else's secret proves nothing about the sender.`,
    source: credentialSources,
  },
  {
    id: "body-tampered",
    title: "A body changed after signing",
    appliesTo: signed,
    sends: {
      "cronofy/callback":
        "a meeting_agent_complete signed correctly, then its meeting_agent.sub changed to another agent",
      "meetingbaas/webhook": "a bot.completed signed correctly, then its data.bot_id changed to another bot",
    },
    expects: "refused",
    why:
      "Accepting a changed body lets anyone redirect a delivery to another meeting. The signature covers the raw " +
      "bytes; an endpoint that checks it against something else (a re-serialised object, a cached body) misses it.",
    source: credentialSources,
  },
  {
    id: "timestamp-outside-tolerance",
    title: "A Svix timestamp outside the tolerance",
    appliesTo: ["meetingbaas/webhook"],
    sends:
      "two valid bot.completed deliveries signed correctly with your secret, one 10 minutes in the past and one 10 " +
      "minutes in the future (twice the usual 5-minute tolerance)",
    expects: "refused",
    why:
      "Without the check, a captured delivery can be replayed for ever. A delivery seen once (in a log, by a proxy) " +
      "stays valid unless old timestamps are refused; the timestamp is signed so that it cannot be changed.",
    source:
      "specs/meetingbaas/openapi.yaml, header svix-timestamp (reject deliveries whose timestamp is outside your tolerance window, usually 5 minutes; standard-webhooks spec)",
  },
  {
    id: "unknown-event",
    title: "An event the endpoint does not know yet",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a signed callback in a well-formed envelope whose interaction type is meeting_agent_stand_in_new_event (a stand-in for a future interaction)",
      "meetingbaas/callback":
        "a signed callback {event, data, extra} whose event is bot.stand_in_new_event (a stand-in for a future event)",
      "meetingbaas/webhook":
        "a signed calendar.connection_error: named in the provider's guides with a prose payload, but in no schema of the contract, so a receiver gets it as an unknown event",
    },
    expects: "accepted",
    why:
      "Providers add events without notice. An endpoint that answers 4xx or 5xx to a name it does not know is " +
      "retried for it, and may end up disabled for an event it never subscribed to; acknowledge it and log it.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, info: Compatibility (parse permissively: ignore attributes you do not know); specs/README.md, conventions: every channel has an envelope",
      "meetingbaas/callback":
        "specs/README.md, conventions: every channel has an envelope (an unknown event is a new name inside a well-formed envelope)",
      "meetingbaas/webhook":
        "specs/README.md, where the sources disagree: calendar.connection_error (meetingbaas docs@fd14185: content/docs/api-v2/getting-started/webhooks.mdx)",
    },
  },
  {
    id: "schema-violation",
    title: "An authentic delivery that breaks its schema",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a correctly signed meeting_agent_complete whose details.recording.duration_seconds is a string",
      "meetingbaas/callback": "a correctly signed bot.completed whose data.duration_seconds is a string",
      "meetingbaas/webhook": "a correctly signed bot.completed whose data.duration_seconds is a string",
    },
    expects: "not-5xx",
    why:
      "A retry cannot mend a broken body. It sends the same bytes again, so a 5xx only spends the provider's retries " +
      "(and, for Meeting BaaS webhooks, any non-2xx counts towards disabling the endpoint). Answer 2xx and keep the " +
      "delivery aside (quarantine): it is authentic, and often the first sign that the provider changed a payload.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, info: Compatibility; packages/receive README, httpStatusOf (envelope/schema → 2xx + quarantine)",
      "meetingbaas/callback":
        "specs/meetingbaas/openapi.yaml, info: Compatibility (report deliveries that differ as drift, do not reject them); packages/receive README, httpStatusOf",
      "meetingbaas/webhook":
        "specs/meetingbaas/openapi.yaml, info: Compatibility (report deliveries that differ as drift, do not reject them); packages/receive README, httpStatusOf",
    },
  },
  {
    id: "out-of-order",
    title: "One meeting's deliveries out of order",
    appliesTo: signed,
    sends: {
      "cronofy/callback": "meeting_agent_complete, then meeting_agent_activated of the same agent",
      "meetingbaas/webhook":
        "bot.completed, then bot.status_change (in_call_recording), then bot.status_change (joining_call) of the same bot",
    },
    expects: "accepted",
    why:
      "Retries and parallel delivery reorder events. A status change can arrive after the bot completed; an " +
      "endpoint that refuses the late one (or fails on a state machine) is retried for it; accept it and let the " +
      "newer state win.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, info: Compatibility (Cronofy publishes no retry policy and promises no order; a receiver may not assume one)",
      "meetingbaas/webhook":
        "specs/meetingbaas/openapi.yaml, info: Delivery and retries (a delivery may arrive more than once and, for webhooks, out of order)",
    },
  },
  {
    id: "unicode",
    title: "Unicode in names and text",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a meeting_agent_complete whose event summary mixes Latin with diacritics, CJK, Arabic, Devanagari, emoji with skin tones and ZWJ, combining marks, U+2028 and one \\u-escaped character",
      "meetingbaas/callback":
        "a bot.completed whose participants and speakers have names in those scripts, and a bot.failed whose error_message does",
      "meetingbaas/webhook":
        "a bot.completed whose participants and speakers have names in those scripts, and a bot.chat_message whose text and sender_name do",
    },
    expects: "accepted",
    why:
      "Names come in every script. Meeting platforms carry them as people type them; an endpoint that decodes the body as Latin-1 or " +
      "re-serialises it before verifying computes another signature and refuses real deliveries.",
    source:
      "RFC 8259 §8.1 (JSON between systems is UTF-8); specs/meetingbaas/schemas/common/participant.json (name as the platform showed it)",
  },
  {
    id: "large-payload",
    title: "The largest payload",
    appliesTo: all,
    sends: {
      "cronofy/callback":
        "a meeting_agent_complete whose calendar event summary is 16,000 characters in several scripts (about 27 KiB); Cronofy documents no size limit, so this is a stand-in",
      "meetingbaas/callback":
        "a bot.completed of a 1,000-person meeting, every participant also a speaker with a display name and a profile picture URL (about 0.3 MiB); Meeting BaaS documents no size limit, so this is a stand-in",
      "meetingbaas/webhook":
        "a bot.completed of a 1,000-person meeting, every participant also a speaker with a display name and a profile picture URL (about 0.3 MiB); Meeting BaaS documents no size limit, so this is a stand-in",
    },
    expects: "accepted",
    why:
      "A large meeting makes a large delivery. No provider documents a largest payload; body-parser defaults " +
      "(Express's 100 KB) answer 413 to it, and the provider retries a delivery that will never fit.",
    source:
      "stand-in: no size limit in either provider's documents; specs/meetingbaas/schemas/bot.completed.json (participants[] and speakers[] have no maxItems)",
  },
  {
    id: "content-type-charset",
    title: "A Content-Type with a charset",
    appliesTo: meetingBaas,
    sends:
      "a valid bot.completed with Content-Type: application/json; charset=utf-8 (Cronofy sends that on every callback already)",
    expects: "accepted",
    why:
      "A media type may carry parameters. An endpoint that compares Content-Type with application/json exactly " +
      "answers 415 when a provider or a proxy adds the charset.",
    source:
      "RFC 9110 §8.3.1 (media type parameters); specs/cronofy/openapi.yaml, request bodies (sent as application/json; charset=utf-8)",
  },
  {
    id: "rotation",
    title: "Several signatures during secret rotation",
    appliesTo: signed,
    sends: {
      "cronofy/callback":
        "a meeting_agent_complete whose Cronofy-HMAC-SHA256 is a comma-separated list: an HMAC under a secret you do not have, then one under yours",
      "meetingbaas/webhook":
        "a bot.completed whose svix-signature holds two space-separated v1, signatures: one under a secret you do not have, then one under yours",
    },
    expects: "accepted",
    why:
      "During a rotation every active secret signs. An endpoint that checks only the first entry refuses every " +
      "delivery until the rotation ends.",
    source: {
      "cronofy/callback":
        "specs/cronofy/openapi.yaml, header Cronofy-HMAC-SHA256 (a comma-separated list, one HMAC per secret; accept when any entry matches; cronofy docs: /developers/push-notifications/authentication)",
      "meetingbaas/webhook":
        "specs/meetingbaas/openapi.yaml, header svix-signature (several appear during secret rotation; accept the delivery when any of them matches; standard-webhooks spec)",
    },
  },
] as const satisfies readonly ConformanceScenario[];

export type ScenarioId = (typeof conformanceScenarios)[number]["id"];

/** The text of `value` for one target (`undefined` when the scenario does not apply to it). */
export function forTarget(value: PerTarget, target: ConformanceTarget): string | undefined {
  return typeof value === "string" ? value : value[target];
}

/** The scenarios that apply to a target, in run order. */
export function scenariosFor(target: ConformanceTarget): ConformanceScenario[] {
  return conformanceScenarios.filter((scenario) =>
    (scenario.appliesTo as readonly ConformanceTarget[]).includes(target),
  );
}
