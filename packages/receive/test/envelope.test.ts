// "Unknown event" means a new event name inside a well-formed envelope, nothing else: every shape that is not a
// delivery of the provider and channel is invalid at the envelope stage, with JSON pointers, and keeps its identity
// for quarantine.

import type { Channel } from "@meeting-webhooks/types";
import { describe, expect, it } from "vitest";
import { type ParseResult, parseCronofyDelivery, parseMeetingBaasDelivery } from "../src/index.js";
import { validatePayload } from "../src/validate.js";
import { cronofySecret, cronofySignature, example, meetingBaasOptions, svixHeaders } from "./signing.js";

type Provider = "cronofy" | "meetingbaas";

function deliver(provider: Provider, channel: Channel, payload: unknown): ParseResult {
  const body = Buffer.from(JSON.stringify(payload));
  if (provider === "cronofy") {
    return parseCronofyDelivery({
      body,
      headers: { "Cronofy-HMAC-SHA256": cronofySignature(body) },
      secrets: cronofySecret,
    });
  }
  const headers =
    channel === "webhook" ? svixHeaders(body) : { "x-mb-secret": meetingBaasOptions.callbackSecrets };
  return parseMeetingBaasDelivery({ body, headers, ...meetingBaasOptions });
}

const exampleOf = (path: string) => JSON.parse(example(path).toString()) as Record<string, unknown>;
const cronofyCallback = exampleOf("cronofy/examples/meeting_agent_complete.json");
const meetingBaasCallback = exampleOf("meetingbaas/examples/bot.completed.json");
const calendarWebhook = exampleOf("meetingbaas/examples/calendar.event_created.json");

interface Case {
  name: string;
  payload: unknown;
  /** JSON pointers the envelope error must name. */
  pointers: string[];
}

const meetingBaasBroken = (channel: Channel): Case[] => [
  {
    name: "an empty object",
    payload: {},
    pointers: channel === "callback" ? ["/event", "/data", "/extra"] : ["/event", "/data"],
  },
  { name: "a numeric event", payload: { event: 7, data: {}, extra: null }, pointers: ["/event"] },
  { name: "an empty event name", payload: { event: "", data: {}, extra: null }, pointers: ["/event"] },
  {
    name: "data that is an array",
    payload: { event: "bot.new", data: [], extra: null },
    pointers: ["/data"],
  },
  { name: "data that is null", payload: { event: "bot.new", data: null, extra: null }, pointers: ["/data"] },
  { name: "a bot event without extra", payload: { event: "bot.new", data: {} }, pointers: ["/extra"] },
  {
    name: "extra that is a string",
    payload: { event: "bot.new", data: {}, extra: "x" },
    pointers: ["/extra"],
  },
  {
    name: "a known event whose data is a string",
    payload: { event: "bot.completed", data: "done", extra: null },
    pointers: ["/data"],
  },
  {
    name: "a Cronofy callback sent to the Meeting BaaS endpoint",
    payload: cronofyCallback,
    pointers: channel === "callback" ? ["/event", "/data", "/extra"] : ["/event", "/data"],
  },
];

const cronofyBroken: Case[] = [
  { name: "an empty object", payload: {}, pointers: ["/notification", "/meeting_agent"] },
  {
    name: "interactions that are an object",
    payload: {
      ...cronofyCallback,
      notification: { type: "event_subscription", interactions: { type: "x" } },
    },
    pointers: ["/notification/interactions"],
  },
  {
    name: "an empty interactions array",
    payload: { ...cronofyCallback, notification: { type: "event_subscription", interactions: [] } },
    pointers: ["/notification/interactions"],
  },
  {
    name: "an interaction without a string type",
    payload: {
      ...cronofyCallback,
      notification: { type: "event_subscription", interactions: [{ type: 5 }] },
    },
    pointers: ["/notification/interactions/0/type"],
  },
  {
    name: "no notification type",
    payload: { ...cronofyCallback, notification: { interactions: [{ type: "meeting_agent_complete" }] } },
    pointers: ["/notification/type"],
  },
  {
    name: "a meeting agent without sub and state",
    payload: { ...cronofyCallback, meeting_agent: { resources: [] } },
    pointers: ["/meeting_agent/sub", "/meeting_agent/state"],
  },
  {
    name: "a Meeting BaaS payload sent to the Cronofy endpoint",
    payload: meetingBaasCallback,
    pointers: ["/notification", "/meeting_agent"],
  },
];

const channels: [Provider, Channel, Case[]][] = [
  ["cronofy", "callback", cronofyBroken],
  ["meetingbaas", "callback", meetingBaasBroken("callback")],
  ["meetingbaas", "webhook", meetingBaasBroken("webhook")],
];

for (const [provider, channel, cases] of channels) {
  describe(`${provider} ${channel} envelope`, () => {
    it.each(cases)("refuses $name at the envelope stage with its pointers", ({ payload, pointers }) => {
      const result = deliver(provider, channel, payload);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({
        stage: "envelope",
        code: "envelope_mismatch",
        provider,
        channel,
        deliveryKey: expect.stringMatching(new RegExp(`^${provider}:${channel}:`)),
        payload,
      });
      expect(result.error.message).toMatch(/envelope/);
      if (result.error.stage !== "envelope") return;
      expect(result.error.issues.map((issue) => issue.pointer).sort()).toEqual([...pointers].sort());
    });

    it.each(cases)("validatePayload says $name is invalid at the envelope stage", ({ payload, pointers }) => {
      const result = validatePayload(provider, payload, channel);
      expect(result).toMatchObject({ valid: false, known: false, stage: "envelope" });
      expect(result.issues.map((issue) => issue.pointer).sort()).toEqual([...pointers].sort());
    });
  });
}

describe("well-formed envelopes", () => {
  it("a new Meeting BaaS event name is an unknown event on both channels, its name and new fields as drift", () => {
    const payload = { event: "bot.recording_ready", data: { bot_id: "x" }, extra: null, version: 2 };
    for (const channel of ["callback", "webhook"] as const) {
      const result = deliver("meetingbaas", channel, payload);
      expect(result).toMatchObject({
        ok: true,
        event: { known: false, name: "bot.recording_ready" },
      });
      if (!result.ok) continue;
      expect(result.event.drift.map((d) => [d.pointer, d.keyword])).toEqual([
        ["/version", "additionalProperties"],
        ["/event", "event"],
      ]);
    }
  });

  it("a new calendar event needs no extra on the webhook channel, as the official calendar schemas have none", () => {
    const payload = { event: "calendar.connection_error", data: { calendar_id: "c" } };
    expect(deliver("meetingbaas", "webhook", payload)).toMatchObject({
      ok: true,
      event: { known: false, name: "calendar.connection_error" },
    });
    expect(deliver("meetingbaas", "callback", payload)).toMatchObject({
      ok: false,
      error: { stage: "envelope", issues: [{ pointer: "/extra" }] },
    });
  });

  it("a known calendar event still validates without extra", () => {
    expect(deliver("meetingbaas", "webhook", calendarWebhook)).toMatchObject({
      ok: true,
      event: { known: true, name: "calendar.event_created" },
    });
  });

  it("a new Cronofy interaction is an unknown event, its pointer at the interaction", () => {
    const payload = {
      ...cronofyCallback,
      notification: { type: "event_subscription", interactions: [{ type: "meeting_agent_paused" }] },
    };
    const result = deliver("cronofy", "callback", payload);
    expect(result).toMatchObject({ ok: true, event: { known: false, name: "meeting_agent_paused" } });
    if (result.ok) {
      expect(result.event.drift).toContainEqual(
        expect.objectContaining({ pointer: "/notification/interactions/0/type", keyword: "event" }),
      );
    }
  });

  it("validatePayload says valid-as-unknown with the drift, and names the schema stage for a known broken event", () => {
    const unknown = validatePayload("meetingbaas", { event: "bot.new", data: {}, extra: {} }, "webhook");
    expect(unknown).toMatchObject({ valid: true, known: false, drift: [{ pointer: "/event" }] });
    expect(unknown.stage).toBeUndefined();
    const broken = { ...meetingBaasCallback, data: { bot_id: "not-a-uuid" } };
    expect(validatePayload("meetingbaas", broken, "webhook")).toMatchObject({
      valid: false,
      known: true,
      stage: "schema",
    });
  });
});
