// The ingest path: every status code, quarantine, unknown events, duplicates, rotation, and what gets stored.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Receiver } from "../src/app.js";
import {
  callbackRequest,
  cronofyRequest,
  example,
  inject,
  type SignedRequest,
  secrets,
  startReceiver,
  testEngines,
  useEngine,
  webhookRequest,
} from "./support.js";

const engines = await testEngines();

describe.each(engines)("on %s", (engine) => {
  beforeAll(() => useEngine(engine));

  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function start(overrides = {}) {
    receiver = await startReceiver(overrides, { process: false });
    return receiver;
  }

  const send = inject;

  async function deliveries(r: Receiver, query = "") {
    return (await r.app.inject({ method: "GET", url: `/api/deliveries${query}` })).json();
  }

  describe("authentic deliveries", () => {
    it("202 accepted for each channel, stored before the answer", async () => {
      const r = await start();
      const answers = [
        await send(r, cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"))),
        await send(r, callbackRequest(example("meetingbaas/examples/bot.completed.json"))),
        await send(
          r,
          callbackRequest(example("meetingbaas/examples/bot.failed.json"), secrets.callback, "PUT"),
        ),
        await send(r, webhookRequest(example("meetingbaas/examples/bot.status_change.json"))),
      ];
      for (const answer of answers)
        expect(answer).toMatchObject({ status: 202, body: { status: "accepted" } });
      const stored = await deliveries(r);
      expect(stored.deliveries).toHaveLength(4);
      expect(stored.deliveries.map((d: { status: string; state: string }) => [d.status, d.state])).toEqual([
        ["accepted", "queued"],
        ["accepted", "queued"],
        ["accepted", "queued"],
        ["accepted", "queued"],
      ]);
    });

    it("secret rotation: a delivery signed with the previous secret is accepted while both are configured", async () => {
      const r = await start({ env: { CRONOFY_CLIENT_SECRETS: `new-secret,${secrets.cronofy}` } });
      const answer = await send(r, cronofyRequest(example("cronofy/examples/meeting_agent_failed.json")));
      expect(answer.status).toBe(202);
    });

    it("a duplicate (same delivery key) is answered 2xx and counted, not stored twice", async () => {
      const r = await start();
      const request = webhookRequest(example("meetingbaas/examples/bot.chat_message.json"), {
        id: "msg_dup1",
      });
      const first = await send(r, request);
      expect(first.body).toMatchObject({ status: "accepted" });
      expect(first.body.duplicate).toBeUndefined();
      expect(await send(r, request)).toMatchObject({
        status: 202,
        body: { status: "accepted", duplicate: true, deliveryId: first.body.deliveryId },
      });
      const stored = await deliveries(r);
      expect(stored.deliveries).toHaveLength(1);
      expect(stored.deliveries[0]).toMatchObject({ id: first.body.deliveryId, attempts: 0, state: "queued" });
    });

    it("authentic but schema-invalid: quarantined with its errors, answered 2xx, listed", async () => {
      const r = await start();
      const payload = example("meetingbaas/examples/bot.completed.json");
      delete payload.data.sent_at;
      payload.data.duration_seconds = "1620";
      const answer = await send(r, callbackRequest(payload));
      expect(answer).toMatchObject({ status: 202, body: { status: "quarantined" } });
      const quarantined = await deliveries(r, "?status=quarantined");
      expect(quarantined.deliveries).toHaveLength(1);
      expect(quarantined.deliveries[0].errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
        "/data/duration_seconds",
        "/data/sent_at",
      ]);
    });

    it("an unknown event type is stored and visible, not an error", async () => {
      const r = await start();
      const answer = await send(
        r,
        webhookRequest({ event: "bot.transcript_ready", data: { bot_id: "x" }, extra: null }),
      );
      expect(answer).toMatchObject({ status: 202, body: { status: "unknown" } });
      const unknown = await deliveries(r, "?status=unknown");
      expect(unknown.deliveries[0]).toMatchObject({ event: "bot.transcript_ready", provider: "meetingbaas" });
      expect(unknown.deliveries[0].drift).toContainEqual(expect.objectContaining({ pointer: "/event" }));
    });

    describe("a body that fails its envelope is quarantined, never stored as an unknown event", () => {
      const cronofyCallback = example("cronofy/examples/meeting_agent_complete.json");
      const meetingBaasCallback = example("meetingbaas/examples/bot.completed.json");
      const cases: [string, () => SignedRequest, string[]][] = [
        ["Meeting BaaS webhook: {}", () => webhookRequest({}), ["/data", "/event"]],
        ["Meeting BaaS webhook: a numeric event", () => webhookRequest({ event: 7, data: {} }), ["/event"]],
        [
          "Meeting BaaS callback: no extra",
          () => callbackRequest({ event: "bot.new", data: {} }),
          ["/extra"],
        ],
        [
          "Meeting BaaS webhook: a Cronofy callback",
          () => webhookRequest(cronofyCallback),
          ["/data", "/event"],
        ],
        [
          "Meeting BaaS callback: a Cronofy callback",
          () => callbackRequest(cronofyCallback),
          ["/data", "/event", "/extra"],
        ],
        ["Cronofy: {}", () => cronofyRequest({}), ["/meeting_agent", "/notification"]],
        [
          "Cronofy: interactions that are an object",
          () =>
            cronofyRequest({
              ...cronofyCallback,
              notification: { type: "event_subscription", interactions: { type: "meeting_agent_complete" } },
            }),
          ["/notification/interactions"],
        ],
        [
          "Cronofy: an empty interactions array",
          () =>
            cronofyRequest({
              ...cronofyCallback,
              notification: { type: "event_subscription", interactions: [] },
            }),
          ["/notification/interactions"],
        ],
        [
          "Cronofy: a Meeting BaaS callback",
          () => cronofyRequest(meetingBaasCallback),
          ["/meeting_agent", "/notification"],
        ],
      ];
      it.each(cases)("%s", async (_name, request, pointers) => {
        const r = await start();
        const answer = await send(r, request());
        expect(answer).toMatchObject({ status: 202, body: { status: "quarantined" } });
        const all = await deliveries(r);
        expect(all.deliveries).toHaveLength(1);
        expect(all.deliveries[0].status).toBe("quarantined");
        expect(all.deliveries[0].id).toBe(answer.body.deliveryId);
        expect(all.deliveries[0].errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(pointers);
        expect((await deliveries(r, "?status=unknown")).deliveries).toEqual([]);
      });
    });

    it("drift is kept beside an accepted delivery", async () => {
      const r = await start();
      const payload = example("meetingbaas/examples/bot.failed.json");
      payload.data.error_code = "BOT_EVICTED";
      await send(r, webhookRequest(payload));
      const stored = await deliveries(r);
      expect(stored.deliveries[0].drift.map((d: { pointer: string }) => d.pointer)).toEqual([
        "/data/error_code",
      ]);
    });
  });

  describe("refusals: problem+json with a code, nothing stored but a counter", () => {
    it("401 for a missing or bad signature, a tampered body, a wrong callback secret", async () => {
      const r = await start();
      const good = cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"));
      const cases: [SignedRequest, string][] = [
        [{ ...good, headers: { "content-type": "application/json" } }, "missing_signature"],
        [{ ...good, payload: good.payload.replace("2614", "2615") }, "signature_mismatch"],
        [
          cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"), "wrong"),
          "signature_mismatch",
        ],
        [callbackRequest(example("meetingbaas/examples/bot.failed.json"), "wrong"), "signature_mismatch"],
        [
          webhookRequest(example("meetingbaas/examples/bot.failed.json"), { at: Date.now() - 3_600_000 }),
          "timestamp_out_of_tolerance",
        ],
        [
          webhookRequest(example("meetingbaas/examples/bot.failed.json"), { key: Buffer.from("other key") }),
          "signature_mismatch",
        ],
      ];
      for (const [request, code] of cases) {
        const answer = await send(r, request);
        expect(answer, code).toMatchObject({
          status: 401,
          type: expect.stringMatching(/^application\/problem\+json/),
          body: { status: 401, code },
        });
      }
      const stored = await deliveries(r);
      expect(stored.deliveries).toHaveLength(0);
      expect(stored.rejected).toEqual({
        missing_signature: 1,
        signature_mismatch: 4,
        timestamp_out_of_tolerance: 1,
      });
    });

    it("401 for a Meeting BaaS delivery on the other channel's route: each route takes only its channel", async () => {
      const r = await start();
      const webhook = webhookRequest(example("meetingbaas/examples/bot.status_change.json"));
      const callback = callbackRequest(example("meetingbaas/examples/bot.completed.json"));
      const misrouted = [
        { ...webhook, url: "/webhooks/meetingbaas/callback" },
        { ...callback, url: "/webhooks/meetingbaas" },
      ];
      for (const request of misrouted) {
        const answer = await send(r, request);
        expect(answer, request.url).toMatchObject({
          status: 401,
          body: { code: "missing_signature", detail: expect.stringContaining("right endpoint") },
        });
      }
      expect((await deliveries(r)).deliveries).toHaveLength(0);
    });

    it("400 for an authentic body that is not JSON", async () => {
      const r = await start();
      const answer = await send(r, cronofyRequest("{not json"));
      expect(answer).toMatchObject({
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: { code: "invalid_json" },
      });
    });

    it("415 for a content type other than JSON", async () => {
      const r = await start();
      const request = cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"));
      const answer = await send(r, {
        ...request,
        headers: { ...request.headers, "content-type": "text/plain" },
      });
      expect(answer).toMatchObject({
        status: 415,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: { code: "unsupported_media_type" },
      });
    });

    it("413 for a body over the limit", async () => {
      const r = await start({ bodyLimit: 2048 });
      const payload = example("meetingbaas/examples/bot.completed.json");
      payload.extra = { padding: "x".repeat(4096) };
      const answer = await send(r, callbackRequest(payload));
      expect(answer).toMatchObject({
        status: 413,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: { code: "body_too_large" },
      });
    });

    it("503 with Retry-After, never 2xx, when the delivery cannot be stored", async () => {
      const r = await start();
      vi.spyOn(r.inbox.database, "transaction").mockRejectedValue(new Error("connection refused"));
      const answer = await r.app.inject({
        ...webhookRequest(example("meetingbaas/examples/bot.status_change.json")),
      });
      expect(answer.statusCode).toBe(503);
      expect(answer.headers["retry-after"]).toBe("5");
      expect(answer.json()).toMatchObject({ code: "storage_unavailable", status: 503 });
    });

    it("404 problem for an unknown route", async () => {
      const r = await start();
      const response = await r.app.inject({ method: "GET", url: "/nope" });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: "not_found" });
    });
  });

  describe("duplicate storm", () => {
    it("1,000 deliveries with 30 % duplicates in shuffled order: exactly the unique ones processed, once", async () => {
      const r = await startReceiver({}, { process: false });
      receiver = r;
      const base = example("meetingbaas/examples/bot.status_change.json");
      const unique = Array.from({ length: 700 }, (_, i) =>
        webhookRequest(
          {
            ...base,
            data: {
              ...base.data,
              status: {
                ...base.data.status,
                created_at: new Date(Date.UTC(2026, 10, 24, 15, 0, i)).toISOString(),
              },
            },
          },
          { id: `msg_storm${i}` },
        ),
      );
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const all = [
        ...unique,
        ...Array.from({ length: 300 }, () => unique[Math.floor(random() * unique.length)] as SignedRequest),
      ];
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [all[i], all[j]] = [all[j] as SignedRequest, all[i] as SignedRequest];
      }
      const answers = await Promise.all(all.map((request) => send(r, request)));
      expect(answers.filter((a) => a.status !== 202)).toEqual([]);
      expect(answers.filter((a) => a.body.status === "accepted" && !a.body.duplicate)).toHaveLength(700);
      expect(answers.filter((a) => a.body.duplicate)).toHaveLength(300);
      await r.inbox.start();
      // 700 handler runs: seconds on an idle machine, minutes when CI's two cores also run the rest of the suite.
      await r.drain({ timeoutMs: 240_000 });
      expect(await r.inbox.counts()).toEqual({ queued: 0, running: 0, retrying: 0, dead: 0, quarantined: 0 });
      const [handled] = await r.inbox.database.query<{ n: number | string }>(
        "SELECT count(*) AS n FROM inbox_deliveries WHERE outcome = 'handled'",
      );
      expect(Number(handled?.n)).toBe(700);
      const [timeline] = await r.inbox.database.query<{ n: number | string }>(
        "SELECT count(*) AS n FROM receiver_timeline",
      );
      expect(Number(timeline?.n)).toBe(700);
    }, 300_000);
  });
});
