// Every fixture validates against the contract, for any seed and any valid overrides; the list of factories is
// the contracts' list of events.
import { type artifactSchemas, validateArtifact, validatePayload } from "@meeting-webhooks/receive/validate";
import { loadWebhooks, providers } from "@meeting-webhooks/specs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meetingFor } from "../src/factories/meeting.js";
import { cronofy, factoryFor, meetingbaas, webhookCatalog } from "../src/index.js";

const webhooks = providers.flatMap((provider) => loadWebhooks(provider));
type Json = Record<string, unknown>;

/** Deep-partial overrides made of the values at some paths of another valid fixture. */
function overridesFrom(donor: unknown, picks: number[]): Json {
  const paths: string[][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (path.length > 0) paths.push(path);
    if (path.length < 3 && node && typeof node === "object" && !Array.isArray(node)) {
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    }
  };
  walk(donor, []);
  const out: Json = {};
  for (const pick of picks) {
    const path = paths[pick % paths.length] as string[];
    let value: unknown = donor;
    for (const key of path) value = (value as Json)[key];
    let target = out;
    path.slice(0, -1).forEach((key) => {
      if (typeof target[key] !== "object" || target[key] === null || Array.isArray(target[key]))
        target[key] = {};
      target = target[key] as Json;
    });
    target[path[path.length - 1] as string] = structuredClone(value);
  }
  return out;
}

describe("the factory list", () => {
  it.each(webhooks.map((w) => [`${w.provider} ${w.key}`, w] as const))("%s has a factory", (_, webhook) => {
    expect(factoryFor(webhook.provider, webhook.event)).toBeTypeOf("function");
  });

  it("is the contracts' catalog, event for event", () => {
    expect(webhookCatalog.map((w) => `${w.provider}/${w.channel}/${w.event}`)).toEqual(
      webhooks.map((w) => `${w.provider}/${w.channel}/${w.event}`),
    );
  });
});

describe.each(webhooks.map((w) => [`${w.provider} ${w.key}`, w] as const))("%s fixtures", (_, webhook) => {
  const factory = factoryFor(webhook.provider, webhook.event) as (o?: unknown, opts?: object) => unknown;

  it("validate against the contract with no drift, for any seed, time and valid overrides", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer(),
        fc.option(fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })),
        fc.array(fc.nat(), { maxLength: 6 }),
        (seed, donorSeed, now, picks) => {
          const overrides = overridesFrom(factory(undefined, { seed: donorSeed }), picks);
          const payload = factory(overrides, { seed, ...(now ? { now } : {}) });
          const result = validatePayload(webhook.provider, payload, webhook.channel);
          expect(result.issues).toEqual([]);
          expect(result.drift).toEqual([]);
          expect(result).toMatchObject({ valid: true, known: true, eventName: webhook.event });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("are the same for the same seed and differ between seeds", () => {
    expect(factory(undefined, { seed: 42 })).toEqual(factory(undefined, { seed: 42 }));
    expect(JSON.stringify(factory(undefined, { seed: 42 }))).not.toEqual(
      JSON.stringify(factory(undefined, { seed: 43 })),
    );
  });
});

describe("artifact factories", () => {
  const artifacts: [keyof typeof artifactSchemas, (seed: number) => unknown[]][] = [
    ["cronofy/transcript", (seed) => [cronofy.transcript(undefined, { seed })]],
    ["meetingbaas/transcription", (seed) => [meetingbaas.transcription(undefined, { seed })]],
    ["meetingbaas/raw-transcription", (seed) => [meetingbaas.rawTranscription(undefined, { seed })]],
    ["meetingbaas/diarization-segment", (seed) => meetingbaas.diarization({ seed })],
    ["meetingbaas/chat-messages", (seed) => [meetingbaas.chatMessages({ seed })]],
  ];

  it.each(artifacts)("%s validates for any seed, with no drift", (name, make) => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        for (const artifact of make(seed)) {
          const outcome = validateArtifact(name, artifact);
          expect(outcome.issues).toEqual([]);
          expect(outcome.drift).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("describe the same meeting as the payload of the same seed", () => {
    const complete = cronofy.meetingAgentComplete(undefined, { seed: 9 });
    expect(cronofy.transcript(undefined, { seed: 9 }).meeting_agent.sub).toBe(complete.meeting_agent.sub);
    const bot = meetingbaas.botCompleted(undefined, { seed: 9 });
    const said = meetingbaas.transcription({ bot_id: bot.data.bot_id }).result;
    expect(said.total_duration).toBe(bot.data.duration_seconds);
    expect(new Set(said.utterances.map((u) => u.speaker))).toEqual(
      new Set(bot.data.speakers.map((s) => s.name)),
    );
  });

  it("give one bot the same participant ids in its payload, chat and diarization, per platform", () => {
    const seen = new Set<string>();
    for (let seed = 1; seen.size < 3 && seed < 200; seed++) {
      const bot = meetingbaas.botCompleted(undefined, { seed });
      const botId = bot.data.bot_id;
      const platform = meetingFor(botId).platform;
      seen.add(platform);
      const ids = new Map(bot.data.participants.map((p) => [p.name, p.id]));
      const chat = meetingbaas.chatMessages({ botId }).filter((m) => ids.has(m.sender_name));
      const segments = meetingbaas.diarization({ botId });
      expect(chat.length).toBeGreaterThan(0);
      if (platform === "zoom") expect(Math.min(...[...ids.values()].map(Number))).toBeGreaterThan(1_000_000);
      for (const message of chat)
        expect(message.sender_id).toBe(platform === "teams" ? null : ids.get(message.sender_name));
      for (const segment of segments) {
        expect(segment.user_id).toBe(platform === "teams" ? undefined : ids.get(segment.speaker));
        expect("lang" in segment).toBe(platform === "zoom");
      }
    }
    expect([...seen].sort()).toEqual(["meet", "teams", "zoom"]);
  });

  it("give a URL to the chat only when the meeting had one, and the file lists the bot's own message", () => {
    const outcomes = Array.from({ length: 40 }, (_, seed) => meetingbaas.botCompleted(undefined, { seed }));
    expect(outcomes.some((b) => b.data.chat_messages === null)).toBe(true);
    const chatty = outcomes.find((b) => typeof b.data.chat_messages === "string");
    expect(chatty?.data.chat_messages).toMatch(/\/chat_messages\.json\?/);
    const messages = meetingbaas.chatMessages({ botId: chatty?.data.bot_id });
    expect(messages[0]?.sender_name).toMatch(/Notetaker$/);
    const times = messages.map((m) => Date.parse(m.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("take deep-partial overrides: objects merge, arrays replace", () => {
    const empty = cronofy.transcript({ transcript: { paragraphs: [] } });
    expect(empty.transcript.paragraphs).toEqual([]);
    expect(empty.transcript.summary.length).toBeGreaterThan(0);
    const bot = meetingbaas.botCompleted(
      { data: { transcription: null }, extra: { team: "sales" } },
      { seed: 2 },
    );
    expect(bot.data.transcription).toBeNull();
    expect(bot.data.video).toMatch(/^https:\/\//);
    expect(bot.extra).toEqual({ ...meetingbaas.botCompleted(undefined, { seed: 2 }).extra, team: "sales" });
  });

  it("give status fields that match the status code asked for", () => {
    const recording = meetingbaas.botStatusChange({ data: { status: { code: "in_call_recording" } } });
    expect(recording.data.status.start_time).toBeTypeOf("number");
    const failed = meetingbaas.botStatusChange({ data: { status: { code: "recording_failed" } } });
    expect(failed.data.status.error_message).toBeTypeOf("string");
  });
});
