// The observer, on both engines: what each callback hears and when (received once stored, refused for 401/400/503,
// handled, failed and dead once recorded), and that a callback that throws never changes what the inbox does.
import { answerOf } from "@meeting-webhooks/receive";
import { describe, expect, it } from "vitest";
import type { InboxObserver } from "../src/index.js";
import {
  brokenCallback,
  inboxForTest,
  signedMeetingBaas,
  statusChange,
  testEngines,
  testWebhooks,
  unknownEvent,
  until,
} from "./support.js";

const engines = await testEngines();

/** An observer that keeps every call, by callback. */
function recorder() {
  const calls: [string, unknown][] = [];
  const observer: Required<InboxObserver> = {
    received: (facts) => void calls.push(["received", facts]),
    refused: (facts) => void calls.push(["refused", facts]),
    handled: (facts) => void calls.push(["handled", facts]),
    failed: (facts) => void calls.push(["failed", facts]),
    dead: (facts) => void calls.push(["dead", facts]),
  };
  const of = (name: keyof InboxObserver) => calls.filter(([n]) => n === name).map(([, facts]) => facts);
  return { observer, calls, of };
}

describe.each(engines)("an inbox's observer on %s", (engine) => {
  it("hears each stored delivery once it is durable: accepted, unknown, quarantined or duplicate, with the time it took", async () => {
    const { observer, of } = recorder();
    const { inbox } = await inboxForTest(engine, { observer });
    const known = await statusChange(1, 1);
    await inbox.receive(known);
    await inbox.receive(await unknownEvent());
    await inbox.receive(await brokenCallback());
    await inbox.receive(known);
    expect(of("received")).toEqual([
      { provider: "meetingbaas", channel: "webhook", status: "accepted", ms: expect.any(Number) },
      { provider: "meetingbaas", channel: "webhook", status: "unknown", ms: expect.any(Number) },
      { provider: "meetingbaas", channel: "callback", status: "quarantined", ms: expect.any(Number) },
      { provider: "meetingbaas", channel: "webhook", status: "duplicate", ms: expect.any(Number) },
    ]);
    expect(of("received").every((facts) => (facts as { ms: number }).ms > 0)).toBe(true);
    expect(of("refused")).toEqual([]);
  });

  it("hears a refusal of signature (401), body (400) and storage (503) with its stage and code", async () => {
    const { observer, of } = recorder();
    const { inbox } = await inboxForTest(engine, { observer });
    const delivery = await statusChange(1, 1);
    const forged = await inbox.receive({ ...delivery, body: delivery.body.toString().replace("bot", "bat") });
    const unreadable = await inbox.receive(await signedMeetingBaas("[1]", "callback"));
    await inbox.stop();
    const unstored = await inbox.receive(delivery);
    expect([forged, unreadable, unstored].map((r) => answerOf(r).status)).toEqual([401, 400, 503]);
    expect(of("refused")).toEqual([
      { provider: "meetingbaas", channel: "webhook", stage: "signature", code: "signature_mismatch" },
      { provider: "meetingbaas", channel: "callback", stage: "body", code: "not_an_object" },
      { provider: "meetingbaas", channel: "webhook", stage: "unavailable", code: "storage_unavailable" },
    ]);
    expect(of("received")).toEqual([]);
  });

  it("hears a run handled once its success is committed, with the attempt and the lag since receipt", async () => {
    const { observer, of } = recorder();
    const { inbox } = await inboxForTest(engine, { observer });
    const stored = await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await inbox.drain();
    expect(of("handled")).toEqual([
      {
        provider: "meetingbaas",
        channel: "webhook",
        event: "bot.status_change",
        attempt: 1,
        lagMs: expect.any(Number),
      },
    ]);
    const [record] = await inbox.deliveries();
    const lagMs = (record?.finishedAt?.getTime() ?? 0) - (record?.receivedAt.getTime() ?? 0);
    expect(of("handled")[0]).toMatchObject({ lagMs });
    expect(stored.ok && stored.event.deliveryId).toBe(record?.id);
  });

  it("hears each failed run, whether it runs again, and the delivery dead after its last attempt", async () => {
    const { observer, of, calls } = recorder();
    const webhooks = testWebhooks().on("bot.status_change", () => {
      throw new Error("downstream is down");
    });
    const { inbox } = await inboxForTest(engine, {
      webhooks,
      observer,
      maxAttempts: 2,
      backoff: { initialMs: 10, maxMs: 10 },
    });
    await inbox.receive(await statusChange(1, 1));
    await inbox.start();
    await inbox.drain();
    const run = { provider: "meetingbaas", channel: "webhook", event: "bot.status_change" };
    const error = expect.stringContaining("downstream is down");
    expect(of("failed")).toEqual([
      { ...run, attempt: 1, willRetry: true, error },
      { ...run, attempt: 2, willRetry: false, error },
    ]);
    expect(of("dead")).toEqual([{ ...run, attempt: 2, error, lagMs: expect.any(Number) }]);
    expect(calls.map(([name]) => name)).toEqual(["received", "failed", "failed", "dead"]);
    expect(of("handled")).toEqual([]);
  });

  it("carries on when every callback throws, and logs each callback's first error once", async () => {
    const logged: string[] = [];
    const throwing = () => {
      throw new Error("metrics are down");
    };
    const webhooks = testWebhooks().on("bot.status_change", (event) => {
      if (event.attempt === 1) throw new Error("the first run fails");
    });
    const { inbox } = await inboxForTest(engine, {
      webhooks,
      log: (line) => void logged.push(line),
      backoff: { initialMs: 10, maxMs: 10 },
      observer: {
        received: throwing,
        refused: throwing,
        handled: throwing,
        failed: throwing,
        dead: throwing,
      },
    });
    const delivery = await statusChange(1, 1);
    expect(answerOf(await inbox.receive(delivery)).status).toBe(202);
    expect(answerOf(await inbox.receive(delivery)).status).toBe(202);
    expect(answerOf(await inbox.receive({ ...delivery, body: "{}" })).status).toBe(401);
    await inbox.start();
    await inbox.drain();
    expect((await inbox.deliveries())[0]).toMatchObject({ state: "handled", attempts: 2 });
    const observerLines = logged.filter((line) => line.startsWith("observer."));
    expect(observerLines.map((line) => line.split(" ")[0])).toEqual([
      "observer.received",
      "observer.refused",
      "observer.failed",
      "observer.handled",
    ]);
    expect(observerLines[0]).toContain("metrics are down");
  });

  it("logs a callback's rejected promise instead of leaving it unhandled", async () => {
    const logged: string[] = [];
    const { inbox } = await inboxForTest(engine, {
      log: (line) => void logged.push(line),
      observer: { received: async () => Promise.reject(new Error("async metrics are down")) },
    });
    await inbox.receive(await statusChange(1, 1));
    await until("the rejection to be logged", () => logged.length > 0);
    expect(logged).toEqual([expect.stringContaining("observer.received threw: async metrics are down")]);
  });
});
