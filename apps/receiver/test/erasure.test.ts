// DELETE /api/meetings/{id} on both engines: the meeting and everything that hangs from it go, the bodies and headers
// of its deliveries are blanked in the same transaction, and a provider's late retry is a duplicate that re-creates
// nothing; 409 while one of its deliveries is pending, 400 for a bad id, 404 for none.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import type { FetchLike } from "../src/providers/index.js";
import {
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
const transcription = example("meetingbaas/examples/artifacts/transcription.json");
const downloads: FetchLike = async () => Response.json(transcription);

/** A completed Meeting BaaS meeting (status change, then completion with its transcript), processed. */
async function completedMeeting(r: Receiver): Promise<{ id: number; requests: SignedRequest[] }> {
  const completed = example("meetingbaas/examples/bot.completed.json");
  const status = example("meetingbaas/examples/bot.status_change--in-call-recording.json");
  status.data.bot_id = completed.data.bot_id;
  const requests = [webhookRequest(status), webhookRequest(completed)];
  for (const request of requests) expect((await inject(r, request)).status).toBe(202);
  await r.drain();
  const [meeting] = (await r.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings;
  return { id: meeting.id, requests };
}

const meetingOf = async (r: Receiver, id: number) =>
  (await r.app.inject({ method: "GET", url: `/api/meetings/${id}` })).json();

const rowsOf = async (r: Receiver, table: string, id: number) =>
  (await r.inbox.database.query(`SELECT * FROM ${table} WHERE meeting_id = $1`, [id])).length;

describe.each(engines)("erasing a meeting on %s", (engine) => {
  beforeAll(() => useEngine(engine));

  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("answers 204, and GET answers 404 afterwards", async () => {
    receiver = await startReceiver({}, { fetch: downloads });
    const { id } = await completedMeeting(receiver);
    expect((await receiver.app.inject({ method: "GET", url: `/api/meetings/${id}` })).statusCode).toBe(200);
    const erased = await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${id}` });
    expect(erased.statusCode).toBe(204);
    expect(erased.body).toBe("");
    const after = await receiver.app.inject({ method: "GET", url: `/api/meetings/${id}` });
    expect(after.statusCode).toBe(404);
    expect(after.json()).toMatchObject({ code: "not_found" });
    expect((await receiver.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings).toEqual([]);
    expect((await receiver.app.inject({ method: "GET", url: `/meetings/${id}` })).statusCode).toBe(404);
  });

  it("deletes the timeline, participants, artifacts and transcript, and blanks its deliveries' bodies and headers", async () => {
    receiver = await startReceiver({}, { fetch: downloads });
    const { id } = await completedMeeting(receiver);
    const tables = [
      "receiver_timeline",
      "receiver_participants",
      "receiver_artifacts",
      "receiver_transcripts",
    ];
    for (const table of tables) expect(await rowsOf(receiver, table, id)).toBeGreaterThan(0);
    await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${id}` });
    for (const table of tables) expect(await rowsOf(receiver, table, id)).toBe(0);
    const stored = await receiver.inbox.database.query<{ body: Buffer; headers: string }>(
      "SELECT body, headers FROM inbox_deliveries ORDER BY id",
    );
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(Buffer.from(row.body).length).toBe(0);
      expect(row.headers).toBe("{}");
    }
    const { deliveries } = (await receiver.app.inject({ method: "GET", url: "/api/deliveries" })).json();
    expect(deliveries.map((d: { forgotten: unknown }) => d.forgotten)).toEqual([
      { at: expect.any(String), by: "request" },
      { at: expect.any(String), by: "request" },
    ]);
    // What stays: enough to recognise a retry, and nothing anyone said.
    expect(deliveries[0]).toMatchObject({
      provider: "meetingbaas",
      event: "bot.completed",
      state: "handled",
    });
  });

  it("answers a provider's retry of an erased meeting's delivery as a duplicate that re-creates nothing", async () => {
    receiver = await startReceiver({}, { fetch: downloads });
    const { id, requests } = await completedMeeting(receiver);
    await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${id}` });
    for (const request of requests) {
      const retry = await inject(receiver, request);
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ duplicate: true });
    }
    await receiver.drain();
    expect((await receiver.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings).toEqual([]);
    expect(await receiver.inbox.deliveries()).toHaveLength(2);
    for (const table of ["receiver_timeline", "receiver_transcripts"])
      expect(await rowsOf(receiver, table, id)).toBe(0);
  });

  it("erases a Cronofy meeting the same way: its agent's deliveries are the meeting's", async () => {
    const cronofyTranscript = example("cronofy/examples/transcript.json");
    const cronofyDownloads: FetchLike = async (input) =>
      input.startsWith("https://cronofy-resources.example.invalid/")
        ? Response.json(
            { resource: { download_url: "https://downloads.cronofy.test/t.json" } },
            { status: 302 },
          )
        : input.startsWith("https://downloads.cronofy.test/")
          ? Response.json(cronofyTranscript)
          : Response.json(transcription);
    receiver = await startReceiver({ env: { CRONOFY_API_KEY: "key" } }, { fetch: cronofyDownloads });
    for (const file of ["meeting_agent_activated.json", "meeting_agent_complete.json"])
      expect((await inject(receiver, cronofyRequest(example(`cronofy/examples/${file}`)))).status).toBe(202);
    // Another meeting, which stays as it was.
    const other = example("meetingbaas/examples/bot.completed.json");
    expect((await inject(receiver, webhookRequest(other))).status).toBe(202);
    await receiver.drain();
    const { meetings } = (
      await receiver.app.inject({ method: "GET", url: "/api/meetings?provider=cronofy" })
    ).json();
    expect((await meetingOf(receiver, meetings[0].id)).transcript.length).toBeGreaterThan(0);
    const erased = await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${meetings[0].id}` });
    expect(erased.statusCode).toBe(204);
    const byProvider = (await receiver.inbox.deliveries()).map((d) => [d.provider, d.forgotten?.by ?? null]);
    expect(byProvider.sort()).toEqual([
      ["cronofy", "request"],
      ["cronofy", "request"],
      ["meetingbaas", null],
    ]);
    const left = (await receiver.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings;
    expect(left.map((m: { provider: string }) => m.provider)).toEqual(["meetingbaas"]);
    expect((await meetingOf(receiver, left[0].id)).transcript).not.toBeNull();
  });

  it("answers 409 while one of its deliveries is still being processed, and erases nothing", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let downloading = false;
    const slowDownloads: FetchLike = async () => {
      downloading = true;
      await held;
      return Response.json(transcription);
    };
    receiver = await startReceiver({}, { fetch: slowDownloads });
    const completed = example("meetingbaas/examples/bot.completed.json");
    const status = example("meetingbaas/examples/bot.status_change--in-call-recording.json");
    status.data.bot_id = completed.data.bot_id;
    expect((await inject(receiver, webhookRequest(status))).status).toBe(202);
    await receiver.drain();
    const [meeting] = (await receiver.app.inject({ method: "GET", url: "/api/meetings" })).json().meetings;
    expect((await inject(receiver, webhookRequest(completed))).status).toBe(202);
    while (!downloading) await new Promise((resolve) => setTimeout(resolve, 10));

    const refused = await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${meeting.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 409, code: "deliveries_pending", pending: 1 });
    expect((await receiver.inbox.deliveries()).map((d) => d.forgotten)).toEqual([null, null]);
    expect(await rowsOf(receiver, "receiver_timeline", meeting.id)).toBeGreaterThan(0);

    release();
    await receiver.drain();
    const erased = await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${meeting.id}` });
    expect(erased.statusCode).toBe(204);
  });

  it("answers 400 for an id that is not a positive integer and 404 for a meeting that does not exist", async () => {
    receiver = await startReceiver({}, { process: false });
    for (const bad of ["abc", "0", "-3", "1.5"]) {
      const answer = await receiver.app.inject({ method: "DELETE", url: `/api/meetings/${bad}` });
      expect(answer.statusCode, bad).toBe(400);
      expect(answer.json()).toMatchObject({ status: 400, code: "bad_request" });
    }
    const missing = await receiver.app.inject({ method: "DELETE", url: "/api/meetings/4242" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status: 404, code: "not_found" });
  });
});
