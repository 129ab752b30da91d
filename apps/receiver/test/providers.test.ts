// Provider knowledge lives in one module per provider behind one registry: every event of a provider's contract has
// a processing handler, and processing a delivery twice (the inbox runs handlers at least once) changes nothing.
import { loadWebhooks, providers } from "@meeting-webhooks/specs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { providerModules } from "../src/providers/index.js";
import { example, inject, startReceiver, testEngines, useEngine, webhookRequest } from "./support.js";

describe("the provider registry", () => {
  it.each(providers)("%s: a module that handles every event of the contract", (provider) => {
    const module = providerModules[provider];
    expect(module.provider).toBe(provider);
    const events = [...new Set(loadWebhooks(provider).map((w) => w.event))].sort();
    expect([...module.events].sort()).toEqual(events);
  });
});

const engines = await testEngines();

describe.each(engines)("processing on %s", (engine) => {
  beforeAll(() => useEngine(engine));
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  /** Every row of the receiver's own tables, in a stable order (ids and times left out). */
  async function readModel(r: Receiver) {
    const db = r.inbox.database;
    return {
      meetings: await db.query(
        `SELECT provider, external_id, title, status, status_at, duration_seconds, failure_reason
           FROM receiver_meetings ORDER BY provider, external_id`,
      ),
      timeline: await db.query(
        "SELECT delivery_id, at, status, provider_status, detail FROM receiver_timeline ORDER BY delivery_id",
      ),
      participants: await db.query("SELECT name, speaker FROM receiver_participants ORDER BY name"),
      artifacts: await db.query("SELECT kind, url, state, attempts FROM receiver_artifacts ORDER BY kind"),
    };
  }

  it("a delivery run again (as after a crash mid-run) leaves the meeting as one run did", async () => {
    receiver = await startReceiver({}, { fetch: async () => new Response(null, { status: 404 }) });
    const status = example("meetingbaas/examples/bot.status_change--in-call-recording.json");
    const failed = example("meetingbaas/examples/bot.failed.json");
    failed.data.bot_id = status.data.bot_id;
    for (const payload of [status, failed])
      expect((await inject(receiver, webhookRequest(payload))).status).toBe(202);
    await receiver.drain();
    const once = await readModel(receiver);
    expect(once.timeline).toHaveLength(2);
    // Run every delivery again, as the inbox would after a lease ran out.
    const ids = (await receiver.inbox.deliveries()).map((d) => d.id);
    await receiver.inbox.database.query(
      `INSERT INTO inbox_queue (delivery_id, subject, run_at, attempts)
       SELECT id, subject, 0, 1 FROM inbox_deliveries WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")})`,
      ids.map(Number),
    );
    await receiver.inbox.database.query("UPDATE inbox_deliveries SET outcome = NULL");
    await receiver.drain();
    expect(await readModel(receiver)).toEqual(once);
  });
});
