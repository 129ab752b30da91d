// How a run ends, decided once for both engines: handled, retried after the backoff, or dead.
import { describe, expect, it } from "vitest";
import type { ClaimedDelivery } from "../src/operations/claim.js";
import { runDelivery } from "../src/run.js";
import { statusChange, testWebhooks } from "./support.js";

const policy = { maxAttempts: 3, backoff: { initialMs: 100, maxMs: 1000, jitter: "equal" as const } };

async function claimed(attempt: number): Promise<ClaimedDelivery> {
  const delivery = await statusChange(1, 1);
  return {
    id: 7,
    provider: "meetingbaas",
    channel: "webhook",
    deliveryKey: "meetingbaas:webhook:msg_1_1",
    subject: "meetingbaas:x",
    body: Buffer.from(delivery.body),
    receivedAt: Date.UTC(2026, 10, 24, 16),
    attempt,
  };
}

describe("runDelivery", () => {
  it("is handled when the handlers ran, with the stored id and the attempt on the event", async () => {
    const webhooks = testWebhooks();
    const seen: unknown[] = [];
    webhooks.on("bot.status_change", (event) => void seen.push([event.deliveryId, event.attempt]));
    expect(await runDelivery(webhooks, await claimed(2), policy)).toEqual({ kind: "handled" });
    expect(seen).toEqual([["7", 2]]);
  });

  it("is retried after the backoff when a handler threw, and dead on the last attempt", async () => {
    const webhooks = testWebhooks().on("bot.status_change", () => {
      throw new Error("downstream is down");
    });
    const retried = await runDelivery(webhooks, await claimed(2), policy);
    expect(retried).toMatchObject({ kind: "retry", error: expect.stringContaining("downstream is down") });
    expect(retried.kind === "retry" && retried.delayMs).toBeGreaterThanOrEqual(100);
    expect(await runDelivery(webhooks, await claimed(3), policy)).toMatchObject({ kind: "dead" });
  });

  it("is dead without running when every attempt was cut short (its process kept stopping)", async () => {
    const webhooks = testWebhooks();
    let ran = false;
    webhooks.onAny(() => {
      ran = true;
    });
    expect(await runDelivery(webhooks, await claimed(4), policy)).toMatchObject({
      kind: "dead",
      error: expect.stringContaining("never finished"),
    });
    expect(ran).toBe(false);
  });

  it("is handled when the stored body no longer meets the contract: onError has it, a retry would not mend it", async () => {
    const errors: string[] = [];
    const webhooks = testWebhooks().onError((error) => void errors.push(error.stage));
    const broken = { ...(await claimed(1)), body: Buffer.from('{"event":"bot.status_change","data":{}}') };
    expect(await runDelivery(webhooks, broken, policy)).toEqual({ kind: "handled" });
    expect(errors).toEqual(["envelope"]);
  });
});
