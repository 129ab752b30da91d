// Retention and erasure through the inbox, on both engines: `forget` by request, the `retention` option's passes in a
// started inbox, and what a forgotten delivery still does (its late retry is a duplicate, never handled again).
import { answerOf } from "@meeting-webhooks/receive";
import { describe, expect, it } from "vitest";
import { inboxForTest, pause, statusChange, testEngines, until } from "./support.js";

const engines = await testEngines();

describe.each(engines)("retention and erasure on %s", (engine) => {
  it("forgets a handled delivery: delivery(id) says when and why, with no body or headers", async () => {
    const { inbox } = await inboxForTest(engine);
    const result = await inbox.receive(await statusChange(1, 1));
    const id = result.ok ? (result.event.deliveryId as string) : "";
    await inbox.start();
    await inbox.drain();
    expect(await inbox.forget({ ids: [id] })).toBe(1);
    const detail = await inbox.delivery(id);
    expect(detail).toMatchObject({ state: "handled", event: "bot.status_change", body: null, headers: null });
    expect(detail?.forgotten).toEqual({ at: expect.any(Date), by: "request" });
  });

  it("answers a late retry of a forgotten delivery 202 duplicate with its id, and never stores or handles it again", async () => {
    const { inbox, webhooks } = await inboxForTest(engine);
    const runs: string[] = [];
    webhooks.on("bot.status_change", (event) => void runs.push(event.deliveryId as string));
    const delivery = await statusChange(1, 1);
    const first = await inbox.receive(delivery);
    const id = first.ok ? (first.event.deliveryId as string) : "";
    await inbox.start();
    await inbox.drain();
    await inbox.forget({ subject: (await inbox.delivery(id))?.subject as string });
    const late = await inbox.receive(delivery);
    expect(answerOf(late).status).toBe(202);
    expect(JSON.parse(answerOf(late).body)).toMatchObject({ deliveryId: id, duplicate: true });
    await pause(200); // a poll or two: nothing was queued, so nothing runs
    await inbox.drain();
    expect(runs).toEqual([id]);
    expect(await inbox.deliveries()).toHaveLength(1);
    expect((await inbox.delivery(id))?.body).toBeNull();
  });

  it("erases, while started, the deliveries older than retention.maxAgeMs, every intervalMs, by the database's clock", async () => {
    const { inbox } = await inboxForTest(engine, { retention: { maxAgeMs: 300, intervalMs: 50 } });
    const result = await inbox.receive(await statusChange(1, 1));
    const id = result.ok ? (result.event.deliveryId as string) : "";
    await inbox.start();
    await inbox.drain();
    expect((await inbox.delivery(id))?.forgotten).toBeNull();
    await until(
      "retention to erase the delivery",
      async () => (await inbox.delivery(id))?.forgotten !== null,
    );
    const detail = await inbox.delivery(id);
    expect(detail?.forgotten?.by).toBe("retention");
    expect(
      (detail?.forgotten?.at.getTime() ?? 0) - (detail?.receivedAt.getTime() ?? 0),
    ).toBeGreaterThanOrEqual(300);
    expect(detail?.body).toBeNull();
  });

  it("keeps everything without retention or with maxAgeMs 0, and erases nothing while not started", async () => {
    const kept = await inboxForTest(engine, { retention: { maxAgeMs: 0, intervalMs: 10 } });
    const idle = await inboxForTest(engine, { retention: { maxAgeMs: 10, intervalMs: 10 } });
    for (const { inbox } of [kept, idle]) await inbox.receive(await statusChange(1, 1));
    await kept.inbox.start();
    await kept.inbox.drain();
    await pause(200);
    for (const { inbox } of [kept, idle])
      expect((await inbox.deliveries()).map((d) => d.forgotten)).toEqual([null]);
  });
  it("runRetention runs one whole pass now, started or not, with the app's alsoErase in each batch", async () => {
    const cutoffs: number[] = [];
    const { inbox } = await inboxForTest(engine, {
      retention: {
        maxAgeMs: 10,
        intervalMs: 3_600_000,
        alsoErase: async (_tx, before) => {
          cutoffs.push(before);
          return 0;
        },
      },
    });
    const result = await inbox.receive(await statusChange(1, 1));
    const id = result.ok ? (result.event.deliveryId as string) : "";
    await inbox.start();
    await inbox.drain();
    await pause(20);
    expect(await inbox.runRetention()).toBe(1);
    expect((await inbox.delivery(id))?.forgotten?.by).toBe("retention");
    expect(cutoffs.length).toBeGreaterThanOrEqual(2); // the batch that erased, then the one that found nothing
    expect(await inbox.runRetention()).toBe(0);
  });

  it("runRetention erases nothing without retention", async () => {
    const { inbox } = await inboxForTest(engine);
    await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await inbox.drain();
    expect(await inbox.runRetention()).toBe(0);
    expect((await inbox.deliveries()).map((d) => d.forgotten)).toEqual([null]);
  });
});
