// Retention (RETENTION_DAYS) on both engines: a worker's pass erases the bodies and headers of old finished
// deliveries and old downloaded transcripts, keeps each delivery's key, provider, event, status and times (so a late
// retry is still a duplicate), and erases nothing when RETENTION_DAYS is 0; the configuration and the dashboard's line.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import type { FetchLike } from "../src/providers/index.js";
import {
  example,
  inject,
  type SignedRequest,
  startReceiver,
  testEngines,
  useEngine,
  webhookRequest,
} from "./support.js";

const engines = await testEngines();
const dayMs = 86_400_000;
const transcription = example("meetingbaas/examples/artifacts/transcription.json");
const downloads: FetchLike = async () => Response.json(transcription);

/** A completed meeting with its transcript and a quarantined delivery, processed; their requests. */
async function processedDeliveries(r: Receiver): Promise<{ meetingId: number; requests: SignedRequest[] }> {
  const completed = example("meetingbaas/examples/bot.completed.json");
  const quarantined = example("meetingbaas/examples/bot.completed.json");
  quarantined.data.bot_id = "bot-quarantined";
  quarantined.data.duration_seconds = "1620"; // breaks the contract: stored, quarantined, never processed
  const requests = [webhookRequest(completed), webhookRequest(quarantined)];
  for (const request of requests) expect((await inject(r, request)).status).toBe(202);
  await r.drain();
  const [meeting] = (await r.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings;
  return { meetingId: meeting.id, requests };
}

/** Moves every stored delivery and downloaded transcript `days` into the past, as if they had waited that long. */
async function age(r: Receiver, days: number): Promise<void> {
  const db = r.inbox.database;
  await db.query("UPDATE inbox_deliveries SET received_at = received_at - $1", [days * dayMs]);
  await db.query("UPDATE receiver_transcripts SET fetched_at = fetched_at - $1", [days * dayMs]);
}

const bodies = async (r: Receiver) =>
  (
    await r.inbox.database.query<{ body: Buffer; headers: string }>(
      "SELECT body, headers FROM inbox_deliveries ORDER BY id",
    )
  ).map((row) => ({ bytes: Buffer.from(row.body).length, headers: row.headers }));

const meetingOf = async (r: Receiver, id: number) =>
  (await r.app.inject({ method: "GET", url: `/api/meetings/${id}` })).json();

describe.each(engines)("retention on %s", (engine) => {
  beforeAll(() => useEngine(engine));

  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("erases the bodies and headers of deliveries older than RETENTION_DAYS, processed and quarantined, and keeps newer ones", async () => {
    receiver = await startReceiver({ env: { RETENTION_DAYS: "30" } }, { fetch: downloads });
    await processedDeliveries(receiver);
    await age(receiver, 31);
    const fresh = webhookRequest(example("meetingbaas/examples/bot.status_change--in-call-recording.json"));
    expect((await inject(receiver, fresh)).status).toBe(202);
    await receiver.drain();
    expect(await receiver.runRetention()).toBeGreaterThanOrEqual(3);
    const [old1, old2, kept] = await bodies(receiver);
    expect([old1, old2]).toEqual([
      { bytes: 0, headers: "{}" },
      { bytes: 0, headers: "{}" },
    ]);
    expect(kept?.bytes).toBeGreaterThan(0);
    const { deliveries } = (await receiver.app.inject({ method: "GET", url: "/api/deliveries" })).json();
    expect(
      deliveries.map((d: { status: string; forgotten: { by: string } | null }) => [
        d.status,
        d.forgotten?.by ?? null,
      ]),
    ).toEqual([
      ["accepted", null],
      ["quarantined", "retention"],
      ["accepted", "retention"],
    ]);
    // What stays of an erased delivery: its key, provider, event, status and times.
    expect(deliveries[2]).toMatchObject({
      deliveryKey: expect.any(String),
      provider: "meetingbaas",
      event: "bot.completed",
      status: "accepted",
      state: "handled",
      receivedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
  });

  it("erases downloaded transcripts older than RETENTION_DAYS and says when; the meeting and its timeline stay", async () => {
    receiver = await startReceiver({}, { fetch: downloads });
    const { meetingId } = await processedDeliveries(receiver);
    expect((await meetingOf(receiver, meetingId)).transcript.length).toBeGreaterThan(0);
    await age(receiver, 31);
    await receiver.runRetention();
    const meeting = await meetingOf(receiver, meetingId);
    expect(meeting).toMatchObject({
      status: "completed",
      transcript: null,
      transcriptErasedAt: expect.any(String),
    });
    expect(meeting.timeline.length).toBeGreaterThan(0);
    const [row] = await receiver.inbox.database.query<{ segments: string }>(
      "SELECT segments FROM receiver_transcripts WHERE meeting_id = $1",
      [meetingId],
    );
    expect(row?.segments).toBe("[]");
    const page = await receiver.app.inject({ method: "GET", url: `/meetings/${meetingId}` });
    expect(page.body).toContain("Erased by retention");
    expect(page.body).not.toContain(transcription.result.utterances[0].text);
  });

  it("still answers a late retry of an erased delivery as a duplicate, and processes nothing again", async () => {
    receiver = await startReceiver({}, { fetch: downloads });
    const { meetingId, requests } = await processedDeliveries(receiver);
    await age(receiver, 31);
    await receiver.runRetention();
    for (const request of requests) {
      const retry = await inject(receiver, request);
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ duplicate: true });
    }
    await receiver.drain();
    expect(await receiver.inbox.deliveries()).toHaveLength(2);
    expect((await meetingOf(receiver, meetingId)).transcript).toBeNull();
    expect((await bodies(receiver)).every((b) => b.bytes === 0)).toBe(true);
  });

  it("keeps everything with RETENTION_DAYS=0, however old", async () => {
    receiver = await startReceiver({ env: { RETENTION_DAYS: "0" } }, { fetch: downloads });
    const { meetingId } = await processedDeliveries(receiver);
    await age(receiver, 3650);
    expect(await receiver.runRetention()).toBe(0);
    expect((await bodies(receiver)).every((b) => b.bytes > 0)).toBe(true);
    expect((await meetingOf(receiver, meetingId)).transcript.length).toBeGreaterThan(0);
  });

  it("runs the pass by itself every RETENTION_INTERVAL_MS in a process that runs the workers", async () => {
    receiver = await startReceiver({ env: { RETENTION_INTERVAL_MS: "50" } }, { fetch: downloads });
    await processedDeliveries(receiver);
    await age(receiver, 31);
    const deadline = Date.now() + 20_000;
    while ((await bodies(receiver)).some((b) => b.bytes > 0)) {
      if (Date.now() > deadline) throw new Error("no retention pass erased the old deliveries");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it("runs no pass in a process that only stores", async () => {
    receiver = await startReceiver({ env: { RETENTION_INTERVAL_MS: "20" } }, { process: false });
    expect(
      (await inject(receiver, webhookRequest(example("meetingbaas/examples/bot.completed.json")))).status,
    ).toBe(202);
    await age(receiver, 31);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await bodies(receiver))[0]?.bytes).toBeGreaterThan(0);
  });

  it("says on the dashboard what is kept and for how long", async () => {
    receiver = await startReceiver({ env: { RETENTION_DAYS: "7" } }, { process: false });
    const page = (await receiver.app.inject({ method: "GET", url: "/" })).body;
    expect(page).toContain("are erased 7 days after they arrived (RETENTION_DAYS)");
    expect(page).toContain("key, provider, event, status and times stay");
  });
});

describe("RETENTION_DAYS", () => {
  const base = { DATABASE_PATH: ":memory:" };

  it("defaults to 30 days, checked every hour", () => {
    expect(loadConfig(base)).toMatchObject({ retentionDays: 30, retentionIntervalMs: 3_600_000 });
  });

  it("takes 0, which keeps everything for ever", () => {
    expect(loadConfig({ ...base, RETENTION_DAYS: "0" }).retentionDays).toBe(0);
    expect(loadConfig({ ...base, RETENTION_DAYS: "365" }).retentionDays).toBe(365);
  });

  it("refuses anything but a whole number of days ≥ 0, naming the variable", () => {
    for (const bad of ["-1", "1.5", "thirty", "1e400"]) {
      expect(() => loadConfig({ ...base, RETENTION_DAYS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, RETENTION_DAYS: bad }), bad).toThrow(
        /^RETENTION_DAYS must be an integer ≥ 0/,
      );
    }
    expect(() => loadConfig({ ...base, RETENTION_INTERVAL_MS: "5" })).toThrow(/^RETENTION_INTERVAL_MS /);
  });
});
