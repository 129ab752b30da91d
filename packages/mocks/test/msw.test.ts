// The MSW handlers answer as the contract says: every documented status of every route of specs/*/api.yaml is
// produced and checked against its schema, and the unhappy paths are there on request.
import { createSpecAjv, validatorFor } from "@meeting-webhooks/specs";
import type { HttpHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes, cronofy, meetingbaas } from "../src/index.js";
import { createProviderMocks, createReceiverHandlers } from "../src/msw/index.js";
import { secrets } from "./helpers.js";

const receiverBase = "https://receiver.test";
let clock = Date.UTC(2026, 10, 24, 16, 0, 0);
const mocks = createProviderMocks({
  cronofyApiKeys: ["cronofy-api-key"],
  meetingBaasApiKeys: ["mb-api-key"],
  now: () => clock,
  botOutcome: (botId) =>
    botId.startsWith("00000000")
      ? "unknown"
      : botId.startsWith("11111111")
        ? "pending"
        : botId.startsWith("22222222")
          ? "bot.failed"
          : "bot.completed",
  receiver: {
    callbackUrl: `${receiverBase}/webhooks/meetingbaas`,
    callbackSecret: secrets.callback,
    webhookUrl: `${receiverBase}/webhooks/meetingbaas`,
    webhookSecret: secrets.webhook,
  },
});
const receiver = createReceiverHandlers({
  baseUrl: receiverBase,
  secrets: {
    cronofy: secrets.cronofy,
    meetingBaasCallback: secrets.callback,
    meetingBaasWebhook: secrets.webhook,
  },
  now: () => clock,
});
const server = setupServer(...mocks.handlers, ...receiver.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  clock = Date.UTC(2026, 10, 24, 16, 0, 0);
});
afterAll(() => server.close());

const ajv = createSpecAjv();
const auth = { authorization: "Bearer cronofy-api-key" };
const mbAuth = { "x-meeting-baas-api-key": "mb-api-key" };
const bot = meetingbaas.botCompleted(undefined, { now: clock });
// Seed 1's meeting had no chat (`chat_messages` null); seed 2's had one.
const chattyBot = meetingbaas.botCompleted(undefined, { now: clock, seed: 2 });
const agent = cronofy.meetingAgentComplete(undefined, { now: clock });
const resourceUrl = (category: string) => cronofy.resourceUrl(agent.meeting_agent.sub, category);
const expiredClock = () => {
  clock += 5 * 3600_000;
};

async function downloadUrl(category: string): Promise<string> {
  const located = await fetch(resourceUrl(category), { headers: auth, redirect: "manual" });
  return ((await located.json()) as { resource: { download_url: string } }).resource.download_url;
}
const post = (url: string, headers: Record<string, string> = mbAuth, body?: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
const retryUrl = (botId: string, action: string) => `https://api.meetingbaas.com/v2/bots/${botId}/${action}`;
/** Installs a route's failure scenario (reset after each test) and calls the route. */
const failing = (route: { fail(status: number): HttpHandler }, status: number, action: string) => {
  server.use(route.fail(status));
  return post(retryUrl(bot.data.bot_id, action));
};

/** How to make each route answer each status it documents. */
const triggers: Record<string, Record<string, () => Promise<Response>>> = {
  cronofyGetMeetingAgentResource: {
    "302": () => fetch(resourceUrl("transcript"), { headers: auth, redirect: "manual" }),
    "401": () => fetch(resourceUrl("transcript"), { redirect: "manual" }),
    "404": () => fetch(resourceUrl("chapters"), { headers: auth, redirect: "manual" }),
  },
  cronofyDownloadTranscript: {
    "200": async () => fetch(await downloadUrl("transcript")),
    "403": async () => {
      const url = await downloadUrl("transcript");
      clock += 600_000;
      return fetch(url);
    },
  },
  cronofyDownloadAudio: {
    "200": async () => fetch(await downloadUrl("audio")),
    "403": async () => fetch((await downloadUrl("audio")).replace(/X-Amz-Signature=[^&]+/, "")),
  },
  cronofyDownloadVideo: {
    "200": async () => fetch(await downloadUrl("video")),
    "403": async () => fetch((await downloadUrl("video")).split("?")[0] as string),
  },
  meetingBaasRetryCallback: {
    "200": () => post(retryUrl(bot.data.bot_id, "retry-callback")),
    "400": () => post(retryUrl(bot.data.bot_id, "retry-callback"), mbAuth, { method: "PUT" }),
    "403": () => post(retryUrl(bot.data.bot_id, "retry-callback"), {}),
    "404": () => post(retryUrl("00000000-0000-4000-8000-000000000000", "retry-callback")),
    "409": () => post(retryUrl("11111111-0000-4000-8000-000000000000", "retry-callback")),
    "429": () => failing(mocks.meetingbaas.retryCallback, 429, "retry-callback"),
    "500": () => failing(mocks.meetingbaas.retryCallback, 500, "retry-callback"),
  },
  meetingBaasResendWebhook: {
    "200": () => post(retryUrl(bot.data.bot_id, "resend-webhook")),
    "400": () => post(retryUrl("not-a-uuid", "resend-webhook")),
    "403": () => post(retryUrl(bot.data.bot_id, "resend-webhook"), { "x-meeting-baas-api-key": "wrong" }),
    "404": () => post(retryUrl("00000000-0000-4000-8000-000000000000", "resend-webhook")),
    "409": () => post(retryUrl("11111111-0000-4000-8000-000000000000", "resend-webhook")),
    "429": () => failing(mocks.meetingbaas.resendWebhook, 429, "resend-webhook"),
    "500": () => failing(mocks.meetingbaas.resendWebhook, 500, "resend-webhook"),
  },
};
for (const [field, id] of [
  ["transcription", "meetingBaasDownloadTranscription"],
  ["raw_transcription", "meetingBaasDownloadRawTranscription"],
  ["diarization", "meetingBaasDownloadDiarization"],
  ["chat_messages", "meetingBaasDownloadChatMessages"],
  ["audio", "meetingBaasDownloadAudio"],
  ["video", "meetingBaasDownloadVideo"],
] as const) {
  const url = () => (chattyBot.data[field] ?? expect.fail(`no ${field} URL in the fixture`)) as string;
  triggers[id] = {
    "200": () => fetch(url()),
    "403": () => {
      expiredClock();
      return fetch(url());
    },
  };
}

const documented = Object.values(apiRoutes).flatMap((route) =>
  Object.entries(route.responses).map(([status, response]) => [route.operationId, status, response] as const),
);

describe("every documented response of specs/*/api.yaml", () => {
  it("has a way to be produced in this test (a new route or status fails here)", () => {
    expect(documented.map(([id, status]) => `${id} ${status}`).sort()).toEqual(
      Object.entries(triggers)
        .flatMap(([id, statuses]) => Object.keys(statuses).map((status) => `${id} ${status}`))
        .sort(),
    );
  });

  it.each(documented)("%s answers %s as its schema says", async (id, status, response) => {
    const trigger = triggers[id]?.[status];
    if (!trigger) throw new Error(`No trigger for ${id} ${status}`);
    const answer = await trigger();
    expect(answer.status).toBe(Number(status));
    const spec = response as { contentType?: string; schemaPath?: string };
    if (!spec.contentType) return;
    expect(answer.headers.get("content-type")).toContain(spec.contentType);
    const text = await answer.text();
    if (spec.schemaPath) {
      const validate = validatorFor(ajv, spec.schemaPath);
      expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    } else if (spec.contentType === "application/x-ndjson") {
      const lines = text.trimEnd().split("\n");
      expect(lines.length).toBeGreaterThan(0);
      const validate = validatorFor(ajv, "meetingbaas/schemas/artifacts/diarization-segment.json");
      for (const line of lines) expect(validate(JSON.parse(line)), line).toBe(true);
    } else if (spec.contentType === "application/xml") {
      expect(text).toMatch(/^<\?xml[^>]*>\s*<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message>/);
    } else {
      expect(text.length).toBeGreaterThan(0);
    }
  });
});

describe("provider mocks", () => {
  it("lets a client that follows redirects fetch a Cronofy transcript in one call", async () => {
    const response = await fetch(resourceUrl("transcript"), { headers: auth });
    expect(response.status).toBe(200);
    const transcript = await response.json();
    expect(transcript).toEqual(cronofy.transcript({ meeting_agent: { sub: agent.meeting_agent.sub } }));
  });

  it("serves the artifacts of a bot.completed fixture as the same meeting", async () => {
    const transcription = (await (await fetch(bot.data.transcription as string)).json()) as {
      result: { utterances: { speaker: string }[] };
    };
    const speakers = new Set(transcription.result.utterances.map((u) => u.speaker));
    expect(speakers).toEqual(new Set(bot.data.speakers.map((s) => s.name)));
  });

  it("never expires URLs without a clock, so fixtures of any date keep working", async () => {
    const clockless = createProviderMocks();
    server.use(...clockless.handlers);
    const old = meetingbaas.botCompleted(undefined, { now: Date.UTC(2020, 0, 1) });
    expect((await fetch(old.data.audio as string)).status).toBe(200);
    server.use(...clockless.meetingbaas.expired());
    const expired = await fetch(old.data.audio as string);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("Request has expired");
  });

  it("takes overrides", async () => {
    server.use(mocks.cronofy.transcript({ transcript: { paragraphs: [] } }));
    const body = (await (await fetch(resourceUrl("transcript"), { headers: auth })).json()) as {
      transcript: { paragraphs: unknown[]; summary: string };
    };
    expect(body.transcript.paragraphs).toEqual([]);
    expect(body.transcript.summary.length).toBeGreaterThan(0);
    server.use(mocks.meetingbaas.diarization([{ speaker: "Ana Lopez", start_time: 0, end_time: 1.5 }]));
    expect(await (await fetch(bot.data.diarization as string)).text()).toBe(
      '{"speaker":"Ana Lopez","start_time":0,"end_time":1.5}\n',
    );
  });

  it("fails on request: 5xx, network errors and timeouts", async () => {
    server.use(mocks.cronofy.resource.fail(503));
    const unavailable = await fetch(resourceUrl("transcript"), { headers: auth });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("content-type")).toBe("application/problem+json");
    server.use(mocks.meetingbaas.transcription.fail("network"));
    await expect(fetch(bot.data.transcription as string)).rejects.toThrow(TypeError);
    server.use(mocks.meetingbaas.video.fail("timeout"));
    await expect(fetch(bot.data.video as string, { signal: AbortSignal.timeout(100) })).rejects.toThrow(
      /abort|timeout/i,
    );
  });

  it("retry-callback sends a fresh signed callback to the registered receiver, which accepts it", async () => {
    const before = receiver.received.length;
    clock += 3600_000;
    const answer = await post(retryUrl(bot.data.bot_id, "retry-callback"));
    expect(answer.status).toBe(200);
    const [got] = receiver.received.slice(before);
    if (!got?.result.ok) throw new Error(JSON.stringify(got?.result));
    expect(got.result.event).toMatchObject({ channel: "callback", name: "bot.completed" });
    const payload = got.result.event.payload as typeof bot;
    expect(payload.data.bot_id).toBe(bot.data.bot_id);
    const sentAt = Date.parse(payload.data.sent_at);
    expect(sentAt).toBeLessThanOrEqual(clock);
    expect(sentAt).toBeGreaterThan(clock - 120_000);
    expect(payload.data.transcription).not.toBe(bot.data.transcription);
    expect(mocks.deliveries.at(-1)?.attempts[0]?.status).toBe(204);
  });

  it("retry-callback follows its body: another URL, method and secret", async () => {
    const before = receiver.received.length;
    await post(retryUrl("22222222-0000-4000-8000-000000000000", "retry-callback"), mbAuth, {
      url: `${receiverBase}/webhooks/meetingbaas`,
      method: "PUT",
      secret: "a-different-secret",
    });
    const [got] = receiver.received.slice(before);
    expect(got).toMatchObject({ method: "PUT", status: 401 });
    expect(got?.result.ok).toBe(false);
  });

  it("retry-callback takes a null body as the bot's own callback_config", async () => {
    const before = receiver.received.length;
    const answer = await post(retryUrl(bot.data.bot_id, "retry-callback"), mbAuth, null);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, data: { message: expect.any(String) } });
    const [got] = receiver.received.slice(before);
    expect(got).toMatchObject({ method: "POST", headers: { "x-mb-secret": secrets.callback } });
  });

  it("answers a rate-limited retry with the provider's 429 body and a retry-after header", async () => {
    const answer = await failing(mocks.meetingbaas.resendWebhook, 429, "resend-webhook");
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(await answer.json()).toMatchObject({
      code: "FST_ERR_TOO_MANY_REQUESTS",
      statusCode: 429,
      retryAfter: 1,
    });
  });

  it("resend-webhook sends the final webhook signed the Svix way", async () => {
    const before = receiver.received.length;
    await post(retryUrl("22222222-0000-4000-8000-000000000001", "resend-webhook"));
    const [got] = receiver.received.slice(before);
    if (!got?.result.ok) throw new Error(JSON.stringify(got?.result));
    expect(got.result.event).toMatchObject({ channel: "webhook", name: "bot.failed" });
    expect(got.headers["svix-id"]).toMatch(/^msg_/);
  });
});

describe("the contract-checking receiver", () => {
  it("answers 204 to an authentic, valid delivery and records the typed event", async () => {
    const { buildDelivery, deliver } = await import("../src/index.js");
    const delivery = await buildDelivery(cronofy.meetingAgentFailed(), {
      provider: "cronofy",
      url: `${receiverBase}/webhooks/cronofy`,
      secret: secrets.cronofy,
    });
    const report = await deliver(delivery);
    expect(report.attempts[0]?.status).toBe(204);
    expect(receiver.received.at(-1)?.result).toMatchObject({
      ok: true,
      event: { name: "meeting_agent_failed" },
    });
  });

  it("answers 401 to a forged signature and 422 to a payload that breaks the contract, with a problem document", async () => {
    const problem = validatorFor(ajv, "common/problem.json");
    const forged = await fetch(`${receiverBase}/webhooks/cronofy`, {
      method: "POST",
      headers: { "cronofy-hmac-sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
      body: "{}",
    });
    expect(forged.status).toBe(401);
    expect(problem(await forged.json())).toBe(true);
    const { buildDelivery } = await import("../src/index.js");
    const broken = await buildDelivery(
      { event: "bot.failed", data: {}, extra: null },
      {
        provider: "meetingbaas",
        channel: "callback",
        url: `${receiverBase}/webhooks/meetingbaas`,
        secret: secrets.callback,
      },
    );
    const answer = await fetch(broken.url, {
      method: broken.method,
      headers: broken.headers,
      body: broken.body,
    });
    expect(answer.status).toBe(422);
    const body = (await answer.json()) as { issues: { pointer: string }[] };
    expect(problem(body)).toBe(true);
    expect(body.issues.map((i) => i.pointer)).toContain("/data/bot_id");
  });

  it("answers 422 to a Meeting BaaS payload sent to the Cronofy endpoint: a broken envelope, not an unknown event", async () => {
    const { buildDelivery } = await import("../src/index.js");
    const misrouted = await buildDelivery(
      { event: "bot.failed", data: {}, extra: null },
      { provider: "cronofy", url: `${receiverBase}/webhooks/cronofy`, secret: secrets.cronofy },
    );
    const answer = await fetch(misrouted.url, {
      method: misrouted.method,
      headers: misrouted.headers,
      body: misrouted.body,
    });
    expect(answer.status).toBe(422);
    const body = (await answer.json()) as { title: string; issues: { pointer: string }[] };
    expect(body.title).toBe("Not a delivery of this provider");
    expect(body.issues.map((i) => i.pointer).sort()).toEqual(["/meeting_agent", "/notification"]);
    expect(receiver.received.at(-1)?.result).toMatchObject({ ok: false, error: { stage: "envelope" } });
  });
});
