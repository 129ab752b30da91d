// createInbox through `receive`, `start` and `stop`, on both engines: what is answered when, what is stored, and how
// the handlers run from the queue (at least once, in order per subject, retried with backoff, dead after
// maxAttempts, leases extended while a handler runs and handed over when its process stopped).
import type { AnyWebhookEvent, ReceiveError } from "@meeting-webhooks/receive";
import { answerOf } from "@meeting-webhooks/receive";
import { createFetchHandler } from "@meeting-webhooks/receive/fetch";
import { CuttableProxy } from "@meeting-webhooks/test-support";
import { describe, expect, it, onTestFinished } from "vitest";
import { createInbox } from "../src/index.js";
import { claim } from "../src/operations/claim.js";
import { getDelivery } from "../src/operations/read.js";
import {
  brokenCallback,
  databaseForTest,
  inboxForTest,
  pause,
  postgresForTests,
  seamForTest,
  statusChange,
  testEngines,
  testWebhooks,
  until,
} from "./support.js";

const engines = await testEngines();
const postgres = await postgresForTests();

/** What a handler saw of each run: delivery id and attempt. */
function runs(webhooks: ReturnType<typeof testWebhooks>) {
  const seen: { id: string; attempt: number; key: string }[] = [];
  webhooks.onAny((event: AnyWebhookEvent) => {
    seen.push({ id: event.deliveryId as string, attempt: event.attempt as number, key: event.deliveryKey });
  });
  return seen;
}

describe.each(engines)("an inbox on %s", (engine) => {
  it("answers 202 with the delivery id only once the delivery is stored: another connection reads it then", async () => {
    const { inbox, database } = await inboxForTest(engine);
    const reader = await seamForTest(engine, database);
    const result = await inbox.receive(await statusChange(1, 1));
    expect(result.ok).toBe(true);
    const id = result.ok ? (result.event.deliveryId as string) : "";
    const stored = await getDelivery(reader, id);
    expect(stored).toMatchObject({ state: "queued", status: "accepted", event: "bot.status_change" });
    expect(stored?.headers).toHaveProperty("svix-signature");
    expect(answerOf(result)).toMatchObject({ status: 202 });
    expect(JSON.parse(answerOf(result).body)).toMatchObject({ status: "accepted", deliveryId: id });
  });

  it("hands the handlers when the delivery was stored, by the database's clock", async () => {
    const { inbox, webhooks } = await inboxForTest(engine);
    const received: (string | undefined)[] = [];
    webhooks.onAny((event: AnyWebhookEvent) => {
      received.push(event.receivedAt);
    });
    const before = Date.now();
    await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await inbox.drain();
    expect(received).toHaveLength(1);
    const at = Date.parse(received[0] as string);
    expect(at).toBeGreaterThanOrEqual(before - 5_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it("answers a duplicate key 202 duplicate with the first id, stores it once and handles it once", async () => {
    const { inbox, webhooks } = await inboxForTest(engine);
    const seen = runs(webhooks);
    const delivery = await statusChange(1, 1);
    const [first, second] = await Promise.all([inbox.receive(delivery), inbox.receive(delivery)]);
    const third = await inbox.receive(delivery);
    const ids = [first, second, third].map((r) => (r?.ok ? r.event.deliveryId : undefined));
    expect(new Set(ids).size).toBe(1);
    expect([first, second, third].map((r) => r?.duplicate ?? false)).toEqual([false, true, true]);
    expect(JSON.parse(answerOf(third as never).body)).toMatchObject({ duplicate: true });
    await inbox.start();
    await inbox.drain();
    expect(seen).toHaveLength(1);
    expect(await inbox.deliveries()).toHaveLength(1);
  });

  it("answers refusals of signature and body as they are, and stores nothing", async () => {
    const { inbox } = await inboxForTest(engine);
    const delivery = await statusChange(1, 1);
    const forged = await inbox.receive({ ...delivery, body: delivery.body.toString().replace("bot", "bat") });
    expect(forged).toMatchObject({ ok: false, error: { stage: "signature" } });
    expect(answerOf(forged).status).toBe(401);
    expect(await inbox.deliveries()).toEqual([]);
  });

  it("quarantines a delivery that breaks its contract: 202, stored, handed to onError and never to a typed handler", async () => {
    const webhooks = testWebhooks();
    const typed: string[] = [];
    const errors: ReceiveError[] = [];
    webhooks.on("bot.completed", (event) => void typed.push(event.deliveryKey));
    webhooks.onError((error) => void errors.push(error));
    const { inbox } = await inboxForTest(engine, { webhooks });
    const result = await inbox.receive(await brokenCallback());
    expect(result).toMatchObject({ ok: false, error: { stage: "schema", deliveryId: expect.any(String) } });
    expect(JSON.parse(answerOf(result).body)).toMatchObject({ status: "quarantined" });
    expect(errors).toEqual([]); // nothing ran in the request
    await inbox.start();
    await inbox.drain();
    expect(typed).toEqual([]);
    const stored = JSON.parse(answerOf(result).body) as { deliveryId: string };
    expect(errors).toMatchObject([{ stage: "schema", deliveryId: stored.deliveryId }]);
    const [record] = await inbox.deliveries({ status: "quarantined" });
    expect(record).toMatchObject({ state: "handled", status: "quarantined" });
    expect(record?.issues.length).toBeGreaterThan(0);
  });

  it("answers 503 with Retry-After once its database is closed", async () => {
    const { inbox } = await inboxForTest(engine, { retryAfterSeconds: 7 });
    await inbox.stop();
    const result = await inbox.receive(await statusChange(1, 1));
    expect(result).toMatchObject({ ok: false, error: { stage: "unavailable", code: "storage_unavailable" } });
    expect(answerOf(result)).toMatchObject({ status: 503, headers: { "retry-after": "7" } });
  });

  it("retries a failing handler with backoff until it succeeds: attempts 1, 2 and 3, each after its wait", async () => {
    const webhooks = testWebhooks();
    const attempts: { attempt: number; at: number }[] = [];
    webhooks.on("bot.status_change", (event) => {
      attempts.push({ attempt: event.attempt as number, at: Date.now() });
      if ((event.attempt as number) < 3) throw new Error(`down (attempt ${event.attempt})`);
    });
    const { inbox } = await inboxForTest(engine, {
      webhooks,
      backoff: { initialMs: 200, maxMs: 1000, jitter: "equal" },
    });
    await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await inbox.drain();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Equal jitter: at least half of 200 ms, then half of 400 ms.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(190);
    const [record] = await inbox.deliveries();
    expect(record).toMatchObject({ state: "handled", attempts: 3 });
    expect(record?.lastError).toContain("down (attempt 2)");
  });

  it("makes a delivery dead after maxAttempts with its last error, visible, and retry(id) runs it again", async () => {
    const webhooks = testWebhooks();
    let failing = true;
    const seen: number[] = [];
    webhooks.on("bot.status_change", (event) => {
      seen.push(event.attempt as number);
      if (failing) throw new Error("still down");
    });
    const { inbox } = await inboxForTest(engine, {
      webhooks,
      maxAttempts: 2,
      backoff: { initialMs: 10, maxMs: 10 },
    });
    // Two deliveries of one meeting: the second runs once the first is dead (out of the queue), and dies too.
    await inbox.receive(await statusChange(1, 1));
    await inbox.receive(await statusChange(1, 2));
    await inbox.start();
    await inbox.drain();
    expect(seen).toEqual([1, 2, 1, 2]);
    const [dead] = await inbox.deliveries({ state: "dead" });
    expect(dead).toMatchObject({ state: "dead", attempts: 2 });
    expect(dead?.lastError).toContain("still down");
    expect(await inbox.counts()).toMatchObject({ dead: 2, queued: 0 });
    failing = false;
    expect(await inbox.retry(dead?.id as string)).toBe(true);
    await inbox.drain();
    expect(seen.at(-1)).toBe(1);
    expect(await inbox.counts()).toMatchObject({ dead: 1 });
    expect(await inbox.deliveries({ state: "handled" })).toHaveLength(1);
    expect(await inbox.retry("not-an-id")).toBe(false);
  });

  it("never runs two deliveries of one subject at once or out of order, with 8 handlers at once", async () => {
    const webhooks = testWebhooks();
    const active = new Map<string, number>();
    const order = new Map<string, number[]>();
    let overlaps = 0;
    webhooks.on("bot.status_change", async (event) => {
      const subject = event.payload.data.bot_id;
      active.set(subject, (active.get(subject) ?? 0) + 1);
      if ((active.get(subject) ?? 0) > 1) overlaps++;
      order.set(subject, [...(order.get(subject) ?? []), Number(event.deliveryId)]);
      await pause(Math.random() * 4);
      active.set(subject, (active.get(subject) ?? 0) - 1);
      if (Math.random() < 0.1 && (event.attempt as number) === 1) throw new Error("flaky");
    });
    const { inbox } = await inboxForTest(engine, {
      webhooks,
      concurrency: 8,
      backoff: { initialMs: 5, maxMs: 20 },
    });
    await inbox.start();
    const bots = 6;
    const steps = 10;
    const stored = new Map<string, number[]>();
    await Promise.all(
      Array.from({ length: bots }, async (_, bot) => {
        for (let step = 0; step < steps; step++) {
          const result = await inbox.receive(await statusChange(bot, step));
          if (!result.ok) throw new Error(`not stored: ${result.error.stage}`);
          const subject = (result.event.payload as { data: { bot_id: string } }).data.bot_id;
          stored.set(subject, [...(stored.get(subject) ?? []), Number(result.event.deliveryId)]);
        }
      }),
    );
    await inbox.drain();
    expect(overlaps).toBe(0);
    for (const [subject, ids] of stored) {
      // Each run in id order; a retried delivery runs again before the next one starts.
      const ran = (order.get(subject) ?? []).filter((id, i, all) => all[i - 1] !== id);
      expect(ran).toEqual(ids);
    }
  });

  it("extends a slow handler's lease while it runs: no other worker takes its delivery", async () => {
    const webhooks = testWebhooks();
    let runsSeen = 0;
    webhooks.on("bot.status_change", async () => {
      runsSeen++;
      await pause(3_000);
    });
    // A lease of 1 s renewed every third of it: on a loaded machine a heartbeat may come late, but not a whole
    // lease late; the handler runs for three leases, and another worker tries to claim all along.
    const { inbox, database } = await inboxForTest(engine, { webhooks, leaseMs: 1_000 });
    const other = await seamForTest(engine, database);
    await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await until("the handler to start", () => runsSeen === 1);
    for (let i = 0; i < 10; i++) {
      expect(await claim(other, "another-worker", 10, 60_000)).toEqual([]);
      await pause(250);
    }
    await inbox.drain();
    expect(runsSeen).toBe(1);
    expect((await inbox.deliveries())[0]).toMatchObject({ state: "handled", attempts: 1 });
  });

  it("gives a delivery claimed by a process that stopped to another worker once its lease ran out, as its next attempt", async () => {
    const database = await databaseForTest(engine);
    const crashed = await seamForTest(engine, database);
    const { inbox, webhooks } = await inboxForTest(engine, { database });
    const seen = runs(webhooks);
    await inbox.receive(await statusChange(1, 1));
    expect(await claim(crashed, "crashed-process", 10, 300)).toHaveLength(1);
    const started = Date.now();
    await inbox.start();
    await inbox.drain();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(seen.map((s) => s.attempt)).toEqual([2]);
  });

  it("stops gracefully: claims nothing more, lets the running handler finish and records it, gives back the one it claimed ahead", async () => {
    const webhooks = testWebhooks();
    const started: string[] = [];
    const finished: string[] = [];
    webhooks.on("bot.status_change", async (event) => {
      started.push(event.deliveryId as string);
      await pause(300);
      finished.push(event.deliveryId as string);
    });
    const { inbox, database } = await inboxForTest(engine, { webhooks, concurrency: 1 });
    await inbox.receive(await statusChange(1, 1));
    await inbox.receive(await statusChange(2, 1));
    await inbox.start();
    // One slot, two claimed: the second waits claimed ahead, under this worker's lease.
    await until("the first handler to start", () => started.length === 1);
    expect(await inbox.counts()).toMatchObject({ queued: 0, running: 2 });
    await inbox.stop();
    expect(finished).toEqual(started);
    const reader = await seamForTest(engine, database);
    expect(await getDelivery(reader, finished[0] as string)).toMatchObject({ state: "handled" });
    const waiting = await createInbox({ webhooks: testWebhooks(), database, log: () => {} });
    onTestFinished(() => waiting.stop());
    // Given back as never claimed: queued again, its first run still to come.
    expect(await waiting.counts()).toMatchObject({ queued: 1, running: 0, retrying: 0 });
    const [given] = await waiting.deliveries({ state: "queued" });
    expect(given).toMatchObject({ attempts: 0 });
    expect(await waiting.deliveries({ state: "handled" })).toHaveLength(1);
  });

  it("is mounted like a webhooks object: the same handler runs from the queue behind the fetch adapter", async () => {
    const { inbox, webhooks } = await inboxForTest(engine);
    const seen = runs(webhooks);
    const handle = createFetchHandler(inbox, { path: "/webhooks" });
    const delivery = await statusChange(3, 1);
    const response = await handle(
      new Request("http://127.0.0.1/webhooks/meetingbaas", {
        method: "POST",
        headers: delivery.headers as Record<string, string>,
        body: delivery.body,
      }),
    );
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { deliveryId: string };
    await inbox.start();
    await inbox.drain();
    expect(seen).toEqual([
      { id: answer.deliveryId, attempt: 1, key: expect.stringMatching(/^meetingbaas:webhook:/) },
    ]);
  });
});

describe.runIf(postgres)("an inbox on PostgreSQL that loses its database", () => {
  it("answers 503 with Retry-After while PostgreSQL does not answer, and stores again once it is back", async () => {
    const url = new URL(postgres as string);
    const proxy = new CuttableProxy(url.hostname, Number(url.port || 5432));
    await proxy.listen();
    onTestFinished(() => proxy.cut());
    const database = new URL(await databaseForTest("postgres"));
    database.host = `127.0.0.1:${proxy.port}`;
    const { inbox } = await inboxForTest("postgres", { database: database.toString() });
    expect((await inbox.receive(await statusChange(1, 1))).ok).toBe(true);
    await proxy.cut();
    const refused = await inbox.receive(await statusChange(1, 2));
    expect(answerOf(refused)).toMatchObject({ status: 503, headers: { "retry-after": "5" } });
    await proxy.restore();
    await until("PostgreSQL to answer again", async () => (await inbox.receive(await statusChange(1, 3))).ok);
    expect(await inbox.deliveries()).toHaveLength(2);
  });
});
