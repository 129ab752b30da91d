// GET /api/drift and the dashboard's drift section: which events changed, since when, how often; never a value.
import { afterEach, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { cronofyRequest, example, inject, startReceiver, webhookRequest } from "./support.js";

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start() {
  receiver = await startReceiver({}, { process: false });
  return receiver;
}

const personalText = "Jane Doe said the launch moves to March";

async function sendDrifting(r: Receiver) {
  const status = example("meetingbaas/examples/bot.status_change.json");
  status.data.status.code = "recording_uploading";
  status.data.status.reason = personalText;
  const failed = example("cronofy/examples/meeting_agent_failed.json");
  failed.notification.interactions[0].subtype = "meeting_locked";
  for (const request of [
    webhookRequest(status),
    webhookRequest(structuredClone(status)),
    cronofyRequest(failed),
    cronofyRequest(example("cronofy/examples/meeting_agent_complete.json")),
  ])
    expect((await inject(r, request)).status).toBe(202);
}

async function drift(r: Receiver, query = "") {
  const response = await r.app.inject({ method: "GET", url: `/api/drift${query}` });
  return { status: response.statusCode, body: response.json(), text: response.body };
}

describe("GET /api/drift", () => {
  it("lists each event with drift, its findings, how many deliveries and since when", async () => {
    const r = await start();
    await sendDrifting(r);
    const { status, body } = await drift(r);
    expect(status).toBe(200);
    expect(body.deliveries).toBe(4);
    const statusChange = body.events.find((e: { event: string }) => e.event === "webhook/bot.status_change");
    expect(statusChange).toMatchObject({ provider: "meetingbaas", known: true, deliveries: 2 });
    expect(statusChange.firstSeen).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(statusChange.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "open-list-value", values: ["recording_uploading"], deliveries: 2 }),
        expect.objectContaining({
          kind: "unknown-property",
          paths: ["/data/status/reason"],
          types: ["string"],
        }),
      ]),
    );
    const failed = body.events.find((e: { event: string }) => e.event === "meeting_agent_failed");
    expect(failed.findings).toEqual([
      expect.objectContaining({ kind: "open-list-value", values: ["meeting_locked"] }),
    ]);
    expect(body.events.map((e: { event: string }) => e.event)).not.toContain("meeting_agent_complete");
  });

  it("never shows a captured value other than new codes", async () => {
    const r = await start();
    await sendDrifting(r);
    expect((await drift(r)).text).not.toContain(personalText);
  });

  it("summarises only deliveries since the given time, and only the given provider", async () => {
    const r = await start();
    await sendDrifting(r);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await drift(r, `?since=${future}`)).body).toEqual({ since: future, deliveries: 0, events: [] });
    const cronofy = (await drift(r, "?provider=cronofy")).body;
    expect(cronofy.events.map((e: { event: string }) => e.event)).toEqual(["meeting_agent_failed"]);
  });

  it("answers 400 with a problem for a since that is not a time", async () => {
    const r = await start();
    const { status, body } = await drift(r, "?since=last-week");
    expect(status).toBe(400);
    expect(body.detail ?? body.message).toMatch(/since/);
  });
});

describe("the dashboard", () => {
  it("shows which events changed, since when and how often", async () => {
    const r = await start();
    const empty = (await r.app.inject({ method: "GET", url: "/" })).body;
    expect(empty).toMatch(/No drift/);
    await sendDrifting(r);
    const html = (await r.app.inject({ method: "GET", url: "/" })).body;
    const section = html.slice(html.indexOf('<h2 id="drift">'));
    expect(section).toContain("<code>webhook/bot.status_change</code>");
    expect(section).toContain("new value <code>recording_uploading</code>");
    expect(section).toContain("new property at <code>/data/status/reason</code>");
    expect(section).toContain("<code>meeting_agent_failed</code>");
    expect(section).not.toContain(personalText);
  });
});
