// The one-call API: which stage refuses what, unknown events, drift, and delivery keys.
import { describe, expect, it } from "vitest";
import { parseCronofyDelivery, parseMeetingBaasDelivery } from "../src/index.js";
import { validateArtifact, validatePayload } from "../src/validate.js";
import {
  callbackSecret,
  cronofySecret,
  cronofySignature,
  example,
  exampleDeliveries,
  meetingBaasOptions,
  svixHeaders,
} from "./signing.js";

function cronofy(body: Buffer | string) {
  return parseCronofyDelivery({
    body,
    headers: { "Cronofy-HMAC-SHA256": cronofySignature(body) },
    secrets: cronofySecret,
  });
}
function mbWebhook(body: Buffer | string, id?: string) {
  return parseMeetingBaasDelivery({
    body,
    headers: svixHeaders(body, id ? { id } : {}),
    ...meetingBaasOptions,
  });
}

describe("every example of both contracts", () => {
  for (const delivery of exampleDeliveries()) {
    it(`${delivery.file} (${delivery.webhook.channel}) parses to its event with no drift`, () => {
      const result =
        delivery.webhook.provider === "cronofy"
          ? parseCronofyDelivery({ body: delivery.body, headers: delivery.headers, secrets: cronofySecret })
          : parseMeetingBaasDelivery({
              body: delivery.body,
              headers: delivery.headers,
              ...meetingBaasOptions,
            });
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) return;
      expect(result.event.name).toBe(delivery.webhook.event);
      expect(result.event.channel).toBe(delivery.webhook.channel);
      expect(result.event.payload).toEqual(JSON.parse(delivery.body.toString()));
      // Examples with values outside an open list are there on purpose; they are the only drift allowed.
      for (const issue of result.event.drift) expect(issue.keyword).not.toBe("additionalProperties");
    });
  }
});

describe("stages", () => {
  it("body: not UTF-8, not JSON, not an object", () => {
    const bad = [Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from("{not json"), Buffer.from("[1,2]")];
    expect(
      bad.map((body) => (cronofy(body) as { error?: { stage: string; code: string } }).error),
    ).toMatchObject([
      { stage: "body", code: "invalid_utf8" },
      { stage: "body", code: "invalid_json" },
      { stage: "body", code: "not_an_object" },
    ]);
  });

  it("schema: every violation with its JSON pointer and what was expected, plus what to quarantine", () => {
    const payload = JSON.parse(example("meetingbaas/examples/bot.completed.json").toString());
    delete payload.data.sent_at;
    payload.data.duration_seconds = "1620";
    payload.data.bot_id = "examplebot_id";
    const result = mbWebhook(JSON.stringify(payload));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({
      stage: "schema",
      code: "schema_mismatch",
      name: "bot.completed",
    });
    if (result.error.stage !== "schema") return;
    expect(result.error.issues.map((i) => i.pointer).sort()).toEqual([
      "/data/bot_id",
      "/data/duration_seconds",
      "/data/sent_at",
    ]);
    expect(result.error.issues.find((i) => i.pointer === "/data/sent_at")?.expected).toBe(
      'property "sent_at"',
    );
    expect(result.error.deliveryKey).toMatch(/^meetingbaas:webhook:msg_/);
    expect(result.error.payload).toEqual(payload);
  });

  it("signature failures never reach JSON parsing", () => {
    const result = parseCronofyDelivery({ body: "{not json", headers: {}, secrets: cronofySecret });
    expect(result).toMatchObject({ ok: false, error: { stage: "signature", code: "missing_signature" } });
  });

  it("Meeting BaaS picks the scheme from the headers present", () => {
    const body = example("meetingbaas/examples/bot.failed.json");
    const callback = parseMeetingBaasDelivery({
      body,
      headers: { "x-mb-secret": callbackSecret },
      ...meetingBaasOptions,
    });
    expect(callback).toMatchObject({ ok: true, event: { channel: "callback", name: "bot.failed" } });
    const webhook = mbWebhook(body);
    expect(webhook).toMatchObject({ ok: true, event: { channel: "webhook", name: "bot.failed" } });
    expect(parseMeetingBaasDelivery({ body, headers: {}, ...meetingBaasOptions })).toMatchObject({
      ok: false,
      error: {
        stage: "signature",
        code: "missing_signature",
        message: expect.stringMatching(/x-mb-secret.*svix-id/),
      },
    });
  });
});

describe("forward compatibility", () => {
  it("an authentic unknown event is a typed unknown event, not an error", () => {
    const body = JSON.stringify({
      event: "bot.transcript_ready",
      data: { bot_id: "a74c56d8-df63-4770-9131-1de843b589f1" },
      extra: null,
    });
    const result = mbWebhook(body);
    expect(result).toMatchObject({
      ok: true,
      event: { known: false, name: "bot.transcript_ready", channel: "webhook" },
    });
    const cronofyBody = JSON.stringify({
      notification: { type: "event_subscription", interactions: [{ type: "meeting_agent_paused" }] },
      meeting_agent: { sub: "agt_1", state: "paused" },
    });
    expect(cronofy(cronofyBody)).toMatchObject({
      ok: true,
      event: { known: false, name: "meeting_agent_paused" },
    });
  });

  it("a bot.completed callback event is known on the callback channel; bot.status_change is not a callback", () => {
    const body = example("meetingbaas/examples/bot.status_change.json");
    const result = parseMeetingBaasDelivery({
      body,
      headers: { "x-mb-secret": callbackSecret },
      ...meetingBaasOptions,
    });
    expect(result).toMatchObject({
      ok: true,
      event: { known: false, name: "bot.status_change", channel: "callback" },
    });
  });

  it("unknown properties and unknown open-list values are drift beside a valid event", () => {
    const payload = JSON.parse(example("meetingbaas/examples/bot.failed.json").toString());
    payload.data.retry_after_seconds = 30;
    payload.data.error_code = "BOT_EVICTED";
    payload.schema_version = 3;
    const result = mbWebhook(JSON.stringify(payload));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.name).toBe("bot.failed");
    expect(result.event.drift.map((d) => d.pointer).sort()).toEqual([
      "/data/error_code",
      "/data/retry_after_seconds",
      "/schema_version",
    ]);
    expect(result.event.drift.find((d) => d.pointer === "/schema_version")?.message).toMatch(
      /unknown property "schema_version"/,
    );
  });
});

describe("delivery keys", () => {
  const body = example("cronofy/examples/meeting_agent_complete.json");

  it("Svix: the svix-id, kept across retries whatever the timestamp", () => {
    const mb = example("meetingbaas/examples/bot.completed.json");
    const first = mbWebhook(mb, "msg_retry_1");
    const retry = parseMeetingBaasDelivery({
      body: mb,
      headers: svixHeaders(mb, { id: "msg_retry_1", at: meetingBaasOptions.now() + 60_000 }),
      ...meetingBaasOptions,
      now: () => meetingBaasOptions.now() + 60_000,
    });
    expect(first.ok && retry.ok && first.event.deliveryKey).toBe("meetingbaas:webhook:msg_retry_1");
    expect(retry.ok && retry.event.deliveryKey).toBe("meetingbaas:webhook:msg_retry_1");
  });

  it("Cronofy and callbacks: provider, event, agent or bot id and a body hash; same bytes, same key", () => {
    const a = cronofy(body);
    const b = cronofy(Buffer.from(body));
    expect(a.ok && a.event.deliveryKey).toMatch(
      /^cronofy:callback:meeting_agent_complete:agt_6927c1f4a0b1d2e3f4a5b6c7:[0-9a-f]{16}$/,
    );
    expect(a.ok && b.ok && a.event.deliveryKey === b.event.deliveryKey).toBe(true);
    const changed = Buffer.from(body.toString().replace("2614", "2615"));
    const c = cronofy(changed);
    expect(c.ok && a.ok && c.event.deliveryKey !== a.event.deliveryKey).toBe(true);
  });
});

describe("validatePayload and validateArtifact", () => {
  it("detects the event from the payload", () => {
    const payload = JSON.parse(example("cronofy/examples/meeting_agent_failed.json").toString());
    expect(validatePayload("cronofy", payload)).toMatchObject({
      known: true,
      valid: true,
      eventName: "meeting_agent_failed",
    });
    expect(validatePayload("meetingbaas", 42)).toMatchObject({ valid: false, issues: [{ pointer: "/" }] });
  });

  it("validates downloaded artifacts", () => {
    const transcript = JSON.parse(example("cronofy/examples/transcript.json").toString());
    expect(validateArtifact("cronofy/transcript", transcript).valid).toBe(true);
    const broken = structuredClone(transcript);
    broken.transcript.paragraphs = "none";
    expect(validateArtifact("cronofy/transcript", broken)).toMatchObject({
      valid: false,
      issues: [{ pointer: "/transcript/paragraphs", keyword: "type" }],
    });
  });
});
