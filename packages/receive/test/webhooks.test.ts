// createMeetingWebhooks: options checked at construction, handlers per event, and one outcome → status mapping.
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  type AnyWebhookEvent,
  createMeetingWebhooks,
  httpStatusOf,
  type KnownWebhookEvent,
  MeetingWebhooksConfigError,
  type ParseError,
  type ReceiveError,
  type UnknownWebhookEvent,
} from "../src/index.js";
import {
  callbackSecret,
  cronofySecret,
  cronofySignature,
  example,
  fixedNow,
  svixHeaders,
  webhookSecret,
} from "./signing.js";

function webhooks() {
  return createMeetingWebhooks({
    cronofy: { clientSecrets: cronofySecret },
    meetingbaas: { callbackSecrets: callbackSecret, webhookSecret },
    now: () => fixedNow,
  });
}

const completed = example("meetingbaas/examples/bot.completed.json");
const agentComplete = example("cronofy/examples/meeting_agent_complete.json");
const cronofyHeaders = (body: Buffer | string) => ({ "Cronofy-HMAC-SHA256": cronofySignature(body) });

describe("construction", () => {
  it.each([
    ["no provider", {}, "no_provider", ""],
    ["an empty Cronofy list", { cronofy: { clientSecrets: [] } }, "no_secret", "/cronofy/clientSecrets"],
    [
      "an empty Cronofy secret",
      { cronofy: { clientSecrets: ["a", ""] } },
      "empty_secret",
      "/cronofy/clientSecrets/1",
    ],
    ["Meeting BaaS without any secret", { meetingbaas: {} }, "no_secret", "/meetingbaas"],
    [
      "a whsec_ secret that is not base64",
      { meetingbaas: { webhookSecret: "whsec_not base64!" } },
      "invalid_secret",
      "/meetingbaas/webhookSecret",
    ],
    [
      "the second of two webhook secrets broken",
      { meetingbaas: { webhookSecret: [webhookSecret, "whsec_%%%"] } },
      "invalid_secret",
      "/meetingbaas/webhookSecret/1",
    ],
    [
      "a negative tolerance",
      { meetingbaas: { callbackSecrets: "s", toleranceSeconds: -1 } },
      "invalid_option",
      "/meetingbaas/toleranceSeconds",
    ],
  ])("refuses %s with a code and the option's pointer", (_name, options, code, pointer) => {
    let thrown: unknown;
    try {
      createMeetingWebhooks(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MeetingWebhooksConfigError);
    expect(thrown).toMatchObject({ code, pointer });
  });

  it("keeps no state between instances: each verifies with its own secrets", async () => {
    const a = createMeetingWebhooks({ cronofy: { clientSecrets: cronofySecret } });
    const b = createMeetingWebhooks({ cronofy: { clientSecrets: "another-secret" } });
    const delivery = {
      provider: "cronofy" as const,
      body: agentComplete,
      headers: cronofyHeaders(agentComplete),
    };
    expect((await a.receive(delivery)).ok).toBe(true);
    expect(await b.receive(delivery)).toMatchObject({ ok: false, error: { code: "signature_mismatch" } });
  });
});

describe("handlers", () => {
  it("on(name) runs with the typed payload, on both Meeting BaaS channels", async () => {
    const seen: string[] = [];
    const hooks = webhooks().on("bot.completed", (event) => {
      seen.push(`${event.channel}:${event.payload.data.bot_id}`);
    });
    const callback = await hooks.receive({
      provider: "meetingbaas",
      body: completed,
      headers: { "x-mb-secret": callbackSecret },
    });
    const webhook = await hooks.receive({
      provider: "meetingbaas",
      body: completed,
      headers: svixHeaders(completed),
    });
    expect([callback.ok, webhook.ok]).toEqual([true, true]);
    const botId = JSON.parse(completed.toString()).data.bot_id;
    expect(seen).toEqual([`callback:${botId}`, `webhook:${botId}`]);
  });

  it("on([names]) runs for each name, onAny for every accepted delivery, and removeListener stops both", async () => {
    const named = vi.fn();
    const any = vi.fn();
    const hooks = webhooks().on(["meeting_agent_complete", "meeting_agent_failed"], named).onAny(any);
    await hooks.receive({ provider: "cronofy", body: agentComplete, headers: cronofyHeaders(agentComplete) });
    expect(named).toHaveBeenCalledTimes(1);
    expect(named.mock.calls[0]?.[0]).toMatchObject({
      known: true,
      provider: "cronofy",
      channel: "callback",
      name: "meeting_agent_complete",
      deliveryKey: expect.stringMatching(/^cronofy:callback:meeting_agent_complete:/),
      drift: [],
    });
    expect(any).toHaveBeenCalledTimes(1);
    hooks.removeListener(["meeting_agent_complete", "meeting_agent_failed"], named).removeListener("*", any);
    await hooks.receive({ provider: "cronofy", body: agentComplete, headers: cronofyHeaders(agentComplete) });
    expect(named).toHaveBeenCalledTimes(1);
    expect(any).toHaveBeenCalledTimes(1);
  });

  it("onUnknown runs for a new event name inside a well-formed envelope, not the named handlers", async () => {
    const unknown = vi.fn();
    const named = vi.fn();
    const hooks = webhooks().onUnknown(unknown).on("bot.completed", named);
    const body = JSON.stringify({ event: "bot.recording_ready", data: {}, extra: null });
    const result = await hooks.receive({ provider: "meetingbaas", body, headers: svixHeaders(body) });
    expect(httpStatusOf(result)).toBe(202);
    expect(unknown).toHaveBeenCalledWith(
      expect.objectContaining({ known: false, name: "bot.recording_ready", channel: "webhook" }),
    );
    expect(named).not.toHaveBeenCalled();
  });

  it("onError receives refusals to keep (envelope, schema) and signatures, switchable on stage", async () => {
    const stages: string[] = [];
    const hooks = webhooks().onError((error) => {
      stages.push(error.stage);
    });
    const broken = JSON.stringify({ event: 7, data: {} });
    const results = [
      await hooks.receive({ provider: "meetingbaas", body: broken, headers: svixHeaders(broken) }),
      await hooks.receive({
        provider: "cronofy",
        body: agentComplete,
        headers: { "Cronofy-HMAC-SHA256": "x" },
      }),
    ];
    expect(stages).toEqual(["envelope", "signature"]);
    expect(results.map(httpStatusOf)).toEqual([202, 401]);
  });

  it("a handler that throws makes the answer 500 (the provider retries), and onError hears of it", async () => {
    const errors: ReceiveError[] = [];
    const hooks = webhooks()
      .on("meeting_agent_complete", () => {
        throw new Error("database down");
      })
      .onError((error) => {
        errors.push(error);
      });
    const result = await hooks.receive({
      provider: "cronofy",
      body: agentComplete,
      headers: cronofyHeaders(agentComplete),
    });
    expect(httpStatusOf(result)).toBe(500);
    expect(result).toMatchObject({ ok: false, error: { stage: "handler", code: "handler_failed" } });
    expect(errors.map((e) => e.stage)).toEqual(["handler"]);
    expect((errors[0] as { errors: Error[] }).errors[0]?.message).toBe("database down");
  });

  it("an onError handler that throws while keeping a refusal makes the answer 500, so nothing is lost", async () => {
    const hooks = webhooks().onError(async () => {
      throw new Error("quarantine table unavailable");
    });
    const broken = JSON.stringify({});
    const result = await hooks.receive({
      provider: "meetingbaas",
      body: broken,
      headers: svixHeaders(broken),
    });
    expect(httpStatusOf(result)).toBe(500);
  });

  it("a provider without secrets is refused as not authentic", async () => {
    const hooks = createMeetingWebhooks({ cronofy: { clientSecrets: cronofySecret } });
    const result = await hooks.receive({
      provider: "meetingbaas",
      body: completed,
      headers: svixHeaders(completed),
    });
    expect(result).toMatchObject({ ok: false, error: { stage: "signature", code: "no_secret_configured" } });
  });

  it("a channel given by the endpoint refuses the other channel's headers", async () => {
    const result = await webhooks().receive({
      provider: "meetingbaas",
      channel: "callback",
      body: completed,
      headers: svixHeaders(completed),
    });
    expect(result).toMatchObject({ ok: false, error: { stage: "signature", code: "missing_signature" } });
    if (!result.ok) expect(result.error.message).toMatch(/this endpoint takes bot callbacks/);
  });
});

describe("parse and dispatch: receive apart from handling, for a queue", () => {
  it("parse verifies and types a delivery without running any handler", () => {
    const named = vi.fn();
    const hooks = webhooks().on("bot.completed", named);
    const parsed = hooks.parse({ provider: "meetingbaas", body: completed, headers: svixHeaders(completed) });
    expect(parsed).toMatchObject({
      ok: true,
      event: { known: true, name: "bot.completed", channel: "webhook" },
    });
    expect(named).not.toHaveBeenCalled();
    const forged = hooks.parse({
      provider: "meetingbaas",
      body: completed,
      headers: { "x-mb-secret": "nope" },
    });
    expect(forged).toMatchObject({ ok: false, error: { stage: "signature" } });
  });

  it("dispatch runs the same handlers for a stored delivery, with its id and attempt", async () => {
    const seen: unknown[] = [];
    const hooks = webhooks().on("bot.completed", (event) => {
      seen.push([event.payload.data.bot_id, event.deliveryId, event.attempt, event.channel]);
    });
    const parsed = hooks.parse({ provider: "meetingbaas", body: completed, headers: svixHeaders(completed) });
    if (!parsed.ok) throw new Error("the example must parse");
    const stored = {
      provider: "meetingbaas" as const,
      channel: "webhook" as const,
      payload: JSON.parse(completed.toString()),
      deliveryKey: parsed.event.deliveryKey,
      deliveryId: "42",
      attempt: 3,
    };
    const result = await hooks.dispatch(stored);
    expect(result).toMatchObject({ ok: true, event: { deliveryKey: parsed.event.deliveryKey, attempt: 3 } });
    expect(seen).toEqual([[stored.payload.data.bot_id, "42", 3, "webhook"]]);
  });

  it("dispatch checks a stored body against the contract again: one that breaks it goes to onError, never cast", async () => {
    const named = vi.fn();
    const errors: ReceiveError[] = [];
    const hooks = webhooks()
      .on("bot.completed", named)
      .onError((error) => {
        errors.push(error);
      });
    const broken = JSON.parse(completed.toString());
    broken.data.bot_id = 42;
    const result = await hooks.dispatch({
      provider: "meetingbaas",
      channel: "callback",
      payload: broken,
      deliveryKey: "k",
      deliveryId: "7",
    });
    expect(result).toMatchObject({
      ok: false,
      error: { stage: "schema", deliveryId: "7", issues: [{ pointer: "/data/bot_id" }] },
    });
    expect(named).not.toHaveBeenCalled();
    expect(errors.map((e) => e.stage)).toEqual(["schema"]);
    const notObject = await hooks.dispatch({
      provider: "cronofy",
      channel: "callback",
      payload: [1],
      deliveryKey: "k",
    });
    expect(notObject).toMatchObject({ ok: false, error: { stage: "body", code: "not_an_object" } });
  });

  it("dispatch reports a handler that throws, so that the queue retries it", async () => {
    const hooks = webhooks().on("meeting_agent_complete", () => {
      throw new Error("database is busy");
    });
    const result = await hooks.dispatch({
      provider: "cronofy",
      channel: "callback",
      payload: JSON.parse(agentComplete.toString()),
      deliveryKey: "k",
      attempt: 1,
    });
    expect(result).toMatchObject({ ok: false, error: { stage: "handler", code: "handler_failed" } });
  });
});

describe("httpStatusOf", () => {
  it.each([
    [{ stage: "signature", code: "signature_mismatch" }, 401],
    [{ stage: "body", code: "invalid_json" }, 400],
    [{ stage: "envelope", code: "envelope_mismatch" }, 202],
    [{ stage: "schema", code: "schema_mismatch" }, 202],
    [{ stage: "handler", code: "handler_failed" }, 500],
    [{ stage: "request", code: "body_too_large" }, 413],
    [{ stage: "request", code: "unsupported_media_type" }, 415],
    [{ stage: "request", code: "method_not_allowed" }, 405],
    [{ stage: "unavailable", code: "storage_unavailable", retryAfterSeconds: 5 }, 503],
  ])("%o → %i", (error, status) => {
    expect(httpStatusOf({ ok: false, error: { message: "", ...error } as ReceiveError })).toBe(status);
  });
});

describe("types", () => {
  it("narrow the payload by the event name, and the error by its stage", () => {
    const hooks = webhooks();
    hooks.on("bot.completed", (event) => {
      expectTypeOf(event.name).toEqualTypeOf<"bot.completed">();
      expectTypeOf(event.provider).toEqualTypeOf<"meetingbaas">();
      expectTypeOf(event.payload.data.bot_id).toEqualTypeOf<string>();
      // @ts-expect-error a bot.completed payload has no error_code
      event.payload.data.error_code;
    });
    hooks.on(["bot.completed", "bot.failed"], (event) => {
      if (event.name === "bot.failed") expectTypeOf(event.payload.data.error_code).toBeString();
      else expectTypeOf(event.payload.data.duration_seconds).toEqualTypeOf<number | null>();
    });
    hooks.on("meeting_agent_failed", (event) => {
      expectTypeOf(event.provider).toEqualTypeOf<"cronofy">();
    });
    // @ts-expect-error not an event either provider sends
    hooks.on("bot.exploded", () => {});
    hooks.onAny((event: AnyWebhookEvent) => {
      if (event.known) expectTypeOf(event).toMatchTypeOf<KnownWebhookEvent>();
      else expectTypeOf(event).toEqualTypeOf<UnknownWebhookEvent>();
    });
    const describe = (error: ParseError): string => {
      switch (error.stage) {
        case "signature":
          return error.code;
        case "body":
          return error.code;
        case "envelope":
        case "schema":
          return error.issues[0]?.pointer ?? error.deliveryKey;
      }
    };
    expect(describe({ stage: "body", code: "invalid_json", message: "" })).toBe("invalid_json");
  });
});
