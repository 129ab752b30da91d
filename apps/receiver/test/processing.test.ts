// Processing: both providers normalised into one meeting model, transcripts downloaded into one shape, retries,
// expired URLs, out-of-order status changes; and the read API, dashboard and docs that show the result.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cronofy, meetingbaas } from "@meeting-webhooks/mocks";
import { createProviderMocks } from "@meeting-webhooks/mocks/msw";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { setupServer } from "msw/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import type { FetchLike } from "../src/providers/index.js";
import {
  callbackRequest,
  cronofyRequest,
  example,
  inject,
  type SignedRequest,
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

  /** A provider stand-in for the retry and failure paths: answers by URL, counts calls. */
  function stubFetch(routes: Record<string, () => Response>): FetchLike & { calls: string[] } {
    const calls: string[] = [];
    const fn = (async (input: string) => {
      calls.push(input);
      const key = Object.keys(routes).find((prefix) => input.startsWith(prefix));
      if (!key) throw new TypeError(`fetch failed: no route for ${input}`);
      return (routes[key] as () => Response)();
    }) as FetchLike & { calls: string[] };
    fn.calls = calls;
    return fn;
  }

  async function send(r: Receiver, request: SignedRequest) {
    expect((await inject(r, request)).status).toBe(202);
  }

  async function meetings(r: Receiver, query = "") {
    return (await r.app.inject({ method: "GET", url: `/api/meetings${query}` })).json().meetings;
  }

  async function meeting(r: Receiver, id: number) {
    return (await r.app.inject({ method: "GET", url: `/api/meetings/${id}` })).json();
  }

  describe("Meeting BaaS", () => {
    it("status changes, completion, participants, artifacts and the transcript in the neutral shape", async () => {
      const transcription = example("meetingbaas/examples/artifacts/transcription.json");
      const fetch = stubFetch({
        "https://meetingbaas-storage.example.invalid": () => Response.json(transcription),
      });
      receiver = await startReceiver({}, { fetch });
      const completed = example("meetingbaas/examples/bot.completed.json");
      const status = example("meetingbaas/examples/bot.status_change--in-call-recording.json");
      status.data.bot_id = completed.data.bot_id;
      await send(receiver, webhookRequest(completed));
      // Out of order: the recording status arrives after the completion and must not reopen the meeting.
      await send(receiver, webhookRequest(status));
      await receiver.drain();
      const [summary] = await meetings(receiver, "?provider=meetingbaas");
      expect(summary).toMatchObject({
        provider: "meetingbaas",
        externalId: completed.data.bot_id,
        status: "completed",
        durationSeconds: completed.data.duration_seconds,
      });
      const detail = await meeting(receiver, summary.id);
      expect(detail.timeline.map((t: { status: string }) => t.status)).toEqual(["recording", "completed"]);
      expect(detail.participants.map((p: { name: string }) => p.name)).toContain("Priya Raman");
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "transcript")).toMatchObject({
        state: "downloaded",
      });
      // Every artifact URL of the delivery is listed, the meeting chat included.
      expect(detail.artifacts.map((a: { kind: string }) => a.kind).sort()).toEqual([
        "audio",
        "chat_messages",
        "diarization",
        "raw_transcription",
        "transcript",
        "video",
      ]);
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "chat_messages").url).toBe(
        completed.data.chat_messages,
      );
      expect(detail.transcript.length).toBe(transcription.result.utterances.length);
      expect(detail.transcript[0]).toEqual({
        speaker: transcription.result.utterances[0].speaker,
        start: transcription.result.utterances[0].start,
        end: transcription.result.utterances[0].end,
        text: transcription.result.utterances[0].text,
      });
    });

    it("a downloaded transcript that breaks its contract is recorded as failed with where, never cast", async () => {
      const transcription = example("meetingbaas/examples/artifacts/transcription.json");
      const broken = { ...transcription, result: { ...transcription.result, utterances: "none" } };
      const fetch = stubFetch({ "https://meetingbaas-storage.example.invalid": () => Response.json(broken) });
      receiver = await startReceiver({}, { fetch });
      await send(receiver, callbackRequest(example("meetingbaas/examples/bot.completed.json")));
      await receiver.drain();
      const detail = await meeting(receiver, (await meetings(receiver))[0].id);
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "transcript")).toMatchObject({
        state: "failed",
        error: expect.stringMatching(
          /meetingbaas\/transcription artifact breaks its contract: \/result\/utterances /,
        ),
      });
      expect(detail.transcript).toBeNull();
      expect(fetch.calls).toHaveLength(1);
    });

    it("a 403 on a signed URL marks the artifact expired and the meeting as needing retry-callback", async () => {
      const fetch = stubFetch({
        "https://meetingbaas-storage.example.invalid": () =>
          new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }),
      });
      receiver = await startReceiver({}, { fetch });
      await send(receiver, callbackRequest(example("meetingbaas/examples/bot.completed.json")));
      await receiver.drain();
      const detail = await meeting(receiver, (await meetings(receiver))[0].id);
      expect(detail.needsRetryCallback).toBe(true);
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "transcript")).toMatchObject({
        state: "expired",
      });
      expect(fetch.calls).toHaveLength(1);
    });

    it("downloads retry with backoff and give up after the configured attempts", async () => {
      const fetch = stubFetch({
        "https://meetingbaas-storage.example.invalid": () => new Response("busy", { status: 503 }),
      });
      receiver = await startReceiver({ downloadAttempts: 3, downloadRetryBaseMs: 1 }, { fetch });
      await send(receiver, callbackRequest(example("meetingbaas/examples/bot.completed.json")));
      // The inbox runs the delivery again after each failed download (its backoff), until DOWNLOAD_ATTEMPTS.
      await receiver.drain();
      const detail = await meeting(receiver, (await meetings(receiver))[0].id);
      expect(fetch.calls).toHaveLength(3);
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "transcript")).toMatchObject({
        state: "failed",
        error: "the download answered 503 (after 3 attempts)",
      });
    });

    it("a failed bot records the reason; calendar events give bot meetings their title", async () => {
      receiver = await startReceiver({}, { fetch: stubFetch({}) });
      const calendar = example("meetingbaas/examples/calendar.event_created.json");
      const failed = example("meetingbaas/examples/bot.failed.json");
      failed.data.event_id = calendar.data.instances[0].event_id;
      await send(receiver, webhookRequest(calendar));
      await receiver.drain();
      await send(receiver, webhookRequest(failed));
      await receiver.drain();
      const [m] = await meetings(receiver, "?status=failed");
      expect(m).toMatchObject({
        status: "failed",
        title: calendar.data.instances[0].title,
        failureReason: expect.stringMatching(/^BOT_NOT_ACCEPTED/),
      });
    });
    it("a calendar event that arrives after its bot's first delivery fills the meeting on the bot's next one", async () => {
      receiver = await startReceiver({}, { fetch: stubFetch({}) });
      const calendar = example("meetingbaas/examples/calendar.event_created.json");
      const eventId = calendar.data.instances[0].event_id;
      const joining = example("meetingbaas/examples/bot.status_change.json");
      joining.data.event_id = eventId;
      const failed = example("meetingbaas/examples/bot.failed.json");
      failed.data.bot_id = joining.data.bot_id;
      failed.data.event_id = null;
      await send(receiver, webhookRequest(joining));
      await receiver.drain();
      expect((await meetings(receiver))[0]).toMatchObject({ status: "joining", title: null });
      await send(receiver, webhookRequest(calendar));
      await receiver.drain();
      // bot.failed names no calendar event: the one stored with the meeting gives it its title.
      await send(receiver, webhookRequest(failed));
      await receiver.drain();
      const [m] = await meetings(receiver);
      expect(m).toMatchObject({ status: "failed", title: calendar.data.instances[0].title });
    });
  });

  describe("Cronofy", () => {
    it("activated then complete; the transcript through the resource URL with the API key (302 then download)", async () => {
      const transcript = example("cronofy/examples/transcript.json");
      const authorization: (string | null)[] = [];
      const fetch = stubFetch({
        "https://cronofy-resources.example.invalid/v1/meeting_agents/": () =>
          Response.json(
            { resource: { download_url: "https://downloads.cronofy.test/t.json?sig=1" } },
            { status: 302, headers: { location: "https://downloads.cronofy.test/t.json?sig=1" } },
          ),
        "https://downloads.cronofy.test/": () => Response.json(transcript),
      });
      const withAuth: FetchLike = (input, init) => {
        authorization.push(new Headers(init?.headers).get("authorization"));
        return fetch(input, init);
      };
      receiver = await startReceiver({ env: { CRONOFY_API_KEY: "cronofy-api-key" } }, { fetch: withAuth });
      await send(receiver, cronofyRequest(example("cronofy/examples/meeting_agent_activated.json")));
      await send(receiver, cronofyRequest(example("cronofy/examples/meeting_agent_complete.json")));
      await receiver.drain();
      const [m] = await meetings(receiver, "?provider=cronofy");
      expect(m).toMatchObject({
        status: "completed",
        title: "Product sync: Q1 roadmap",
        platform: "zoom",
        durationSeconds: 2614,
      });
      const detail = await meeting(receiver, m.id);
      expect(detail.transcript[0].text).toBe(
        transcript.transcript.paragraphs[0].sentences.map((s: { text: string }) => s.text).join(" "),
      );
      expect(authorization[0]).toBe("Bearer cronofy-api-key");
      expect(detail.artifacts.map((a: { kind: string }) => a.kind).sort()).toEqual([
        "audio",
        "dashboard",
        "transcript",
        "video",
      ]);
    });

    it("without an API key the transcript is linked, not fetched, and says why", async () => {
      const fetch = stubFetch({});
      receiver = await startReceiver({ env: { CRONOFY_API_KEY: "" } }, { fetch });
      await send(receiver, cronofyRequest(example("cronofy/examples/meeting_agent_complete.json")));
      await receiver.drain();
      const detail = await meeting(receiver, (await meetings(receiver))[0].id);
      expect(detail.artifacts.find((a: { kind: string }) => a.kind === "transcript")).toMatchObject({
        state: "available",
        error: expect.stringMatching(/CRONOFY_API_KEY/),
      });
      expect(fetch.calls).toHaveLength(0);
    });

    it("a failure keeps its subtype, unknown ones included", async () => {
      receiver = await startReceiver({}, { fetch: stubFetch({}) });
      await send(
        receiver,
        cronofyRequest(example("cronofy/examples/meeting_agent_failed--unknown-subtype.json")),
      );
      await receiver.drain();
      expect((await meetings(receiver))[0]).toMatchObject({
        status: "failed",
        failureReason: "recording_consent_declined",
      });
    });
  });

  describe("with the MSW provider mocks generated from the contracts", () => {
    it("downloads both providers' transcripts through the mocked resource and signed URLs; an expired URL is a 403", async () => {
      const mocks = createProviderMocks({ cronofyApiKeys: ["msw-key"] });
      const server = setupServer(...mocks.handlers);
      server.listen({ onUnhandledRequest: "error" });
      try {
        receiver = await startReceiver({ env: { CRONOFY_API_KEY: "msw-key" } });
        const bot = meetingbaas.botCompleted(undefined, { seed: 11 });
        const agent = cronofy.meetingAgentComplete(undefined, { seed: 12 });
        await send(receiver, webhookRequest(bot));
        await send(receiver, cronofyRequest(agent));
        await receiver.drain();
        const all = await meetings(receiver);
        for (const m of all) {
          const detail = await meeting(receiver, m.id);
          expect(
            detail.artifacts.find((a: { kind: string }) => a.kind === "transcript"),
            m.provider,
          ).toMatchObject({ state: "downloaded" });
          expect(detail.transcript.length, m.provider).toBeGreaterThan(0);
          expect(detail.transcript[0]).toEqual({
            speaker: expect.any(String),
            start: expect.any(Number),
            end: expect.any(Number),
            text: expect.any(String),
          });
        }
        server.use(...mocks.meetingbaas.expired());
        await send(receiver, webhookRequest(meetingbaas.botCompleted(undefined, { seed: 13 })));
        await receiver.drain();
        const expired = (await meetings(receiver, "?provider=meetingbaas")).find(
          (m: { externalId: string }) => m.externalId !== bot.data.bot_id,
        );
        expect((await meeting(receiver, expired.id)).needsRetryCallback).toBe(true);
      } finally {
        server.close();
      }
    });
  });

  describe("read API, dashboard and docs", () => {
    it("filters are validated; unknown meeting is a 404 problem; healthz counts pending", async () => {
      receiver = await startReceiver({}, { process: false });
      expect(
        (await receiver.app.inject({ method: "GET", url: "/api/deliveries?status=bogus" })).statusCode,
      ).toBe(400);
      expect((await receiver.app.inject({ method: "GET", url: "/api/meetings?limit=0" })).statusCode).toBe(
        400,
      );
      expect((await receiver.app.inject({ method: "GET", url: "/api/meetings/999" })).json()).toMatchObject({
        status: 404,
        code: "not_found",
      });
      await send(receiver, webhookRequest(example("meetingbaas/examples/bot.status_change.json")));
      expect((await receiver.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({
        status: "ok",
        pending: 1,
      });
    });

    it("livez answers 200 without asking the database", async () => {
      receiver = await startReceiver({}, { process: false });
      receiver.read.pending = () => Promise.reject(new Error("database down"));
      expect((await receiver.app.inject({ method: "GET", url: "/livez" })).json()).toEqual({ status: "ok" });
      const health = await receiver.app.inject({ method: "GET", url: "/healthz" });
      expect(health.statusCode).toBe(503);
      expect(health.headers["retry-after"]).toBe("5");
      expect(health.json()).toMatchObject({ code: "storage_unavailable" });
    });

    it("the dashboard lists meetings and deliveries, escaped", async () => {
      receiver = await startReceiver({}, { fetch: stubFetch({}) });
      const payload = example("cronofy/examples/meeting_agent_failed.json");
      payload.event.summary = "<script>alert(1)</script> board sync";
      await send(receiver, cronofyRequest(payload));
      await receiver.drain();
      const html = (await receiver.app.inject({ method: "GET", url: "/" })).body;
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; board sync");
      expect(html).not.toContain("<script>alert(1)");
      expect(html).toMatch(/meeting_agent_failed/);
    });

    it("serves the docs site at /docs when it is built, and says how to build it when not", async () => {
      const docs = tempDirForTest("meeting-webhooks-docs-");
      receiver = await startReceiver({ docsDir: join(docs, "missing") }, { process: false });
      const missing = await receiver.app.inject({ method: "GET", url: "/docs/" });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().detail).toMatch(/npm run docs/);
      await receiver.close();
      writeFileSync(join(docs, "index.html"), "<!doctype html><title>catalog</title>");
      receiver = await startReceiver({ docsDir: docs }, { process: false });
      const page = await receiver.app.inject({ method: "GET", url: "/docs/" });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("catalog");
      expect(
        (await receiver.app.inject({ method: "GET", url: "/docs/..%2F..%2Fetc%2Fpasswd" })).statusCode,
      ).toBe(404);
    });
  });
});
