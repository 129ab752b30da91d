// The delivery simulator replays the providers' retry behaviour on a virtual clock, and duplicates or shuffles
// batches so that receivers can be tested for idempotency.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  buildDelivery,
  type Clock,
  cronofy,
  type Delivery,
  deliver,
  deliverBatch,
  type FetchHandler,
  meetingbaas,
  retryPolicies,
  systemClock,
  virtualClock,
} from "../src/index.js";
import { parse, secrets } from "./helpers.js";

function answering(...statuses: (number | "network")[]): FetchHandler & { calls: Request[] } {
  const calls: Request[] = [];
  const handler = async (request: Request) => {
    calls.push(request);
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (status === "network") throw new TypeError("fetch failed: connection reset");
    return new Response(null, { status });
  };
  return Object.assign(handler, { calls });
}

const callback = () =>
  buildDelivery(meetingbaas.botCompleted(), {
    provider: "meetingbaas",
    channel: "callback",
    url: "https://r.test/cb",
    secret: secrets.callback,
  });
const webhook = (clock: Clock = virtualClock()) =>
  buildDelivery(meetingbaas.botStatusChange(), {
    provider: "meetingbaas",
    channel: "webhook",
    url: "https://r.test/wh",
    secret: secrets.webhook,
    timestamp: clock.now(),
  });

describe("deliver", () => {
  it("makes one attempt unless retries are asked for", async () => {
    const to = answering(503);
    const report = await deliver(await callback(), { to });
    expect(report.attempts.map((a) => a.status)).toEqual([503]);
    expect(report.ok).toBe(false);
  });

  it("retries Meeting BaaS callbacks 4 times at 1 s, 5 s, 15 s after 5xx and network errors", async () => {
    const clock = virtualClock();
    const to = answering(500, "network", 502, 204);
    const report = await deliver(await callback(), { to, retry: true, clock });
    expect(report.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, undefined],
      [3, 502],
      [4, 204],
    ]);
    expect(report.attempts[1]?.error).toMatch(/connection reset/);
    expect(clock.slept).toEqual([1_000, 5_000, 15_000]);
    expect(report.ok).toBe(true);
  });

  it("never retries a Meeting BaaS callback answered 4xx", async () => {
    const clock = virtualClock();
    const report = await deliver(await callback(), { to: answering(401), retry: true, clock });
    expect(report.attempts).toHaveLength(1);
    expect(clock.slept).toEqual([]);
  });

  it("retries Svix webhooks after anything but 2xx, 7 attempts, re-signed each time with the same svix-id", async () => {
    const clock = virtualClock();
    const to = answering(400);
    const report = await deliver(await webhook(clock), { to, retry: true, clock, seed: 1 });
    expect(report.attempts).toHaveLength(7);
    const expected = retryPolicies.meetingBaasWebhook.delaysMs;
    clock.slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((expected[i] as number) * 0.8);
      expect(ms).toBeLessThanOrEqual((expected[i] as number) * 1.2);
    });
    const ids = new Set(to.calls.map((r) => r.headers.get("svix-id")));
    expect(ids.size).toBe(1);
    const stamps = to.calls.map((r) => Number(r.headers.get("svix-timestamp")));
    const total = expected.reduce((sum, ms) => sum + ms, 0) / 1000;
    expect(stamps[6]).toBeGreaterThanOrEqual((stamps[0] as number) + Math.floor(total * 0.8));
    // Every attempt verifies at the time it was sent.
    for (const request of to.calls) {
      const at = Number(request.headers.get("svix-timestamp")) * 1000;
      const delivery = {
        ...report.delivery,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      };
      expect(parse(delivery, () => at).ok).toBe(true);
    }
  });

  it("replays the schedules the contract states, not a copy of them", () => {
    const document = parseYaml(readFileSync(join(specsDir, "meetingbaas/openapi.yaml"), "utf8"));
    const stated = document.components["x-delivery-policies"];
    for (const [channel, policy] of [
      ["callback", retryPolicies.meetingBaasCallback],
      ["webhook", retryPolicies.meetingBaasWebhook],
    ] as const) {
      expect(policy.delaysMs).toEqual(stated[channel].delaysSeconds.map((s: number) => s * 1000));
      expect(policy.delaysMs.length + 1).toBe(stated[channel].attempts);
      expect(policy.jitter).toBe(stated[channel].jitter);
      expect(policy.timeoutMs).toBe(stated[channel].timeoutSeconds * 1000);
    }
    expect(retryPolicies.meetingBaasWebhook.minDelayAfter429OrTimeoutMs).toBe(60_000);
  });

  it("waits at least 60 s after a webhook answered 429, whatever the schedule says", async () => {
    const clock = virtualClock();
    const report = await deliver(await webhook(clock), { to: answering(429), retry: true, clock, seed: 3 });
    expect(report.attempts).toHaveLength(7);
    // The first two waits are 5 s and 10 s (±20 %) on the schedule; after a 429 they become 60 s.
    expect(clock.slept.slice(0, 2)).toEqual([60_000, 60_000]);
    expect(clock.slept[2]).toBeGreaterThanOrEqual(240_000);
  });

  it("waits at least 60 s after a webhook attempt timed out", async () => {
    const clock = virtualClock();
    const never: FetchHandler = () => new Promise(() => {});
    const report = await deliver(await webhook(clock), {
      to: never,
      retry: { ...retryPolicies.meetingBaasWebhook, delaysMs: [5_000], timeoutMs: 20 },
      clock,
    });
    expect(report.attempts.map((a) => a.error)).toEqual(["timeout", "timeout"]);
    expect(clock.slept).toEqual([60_000]);
  });

  it("keeps the callback schedule after a 5xx: the 60 s rule is the webhooks'", async () => {
    const clock = virtualClock();
    await deliver(await callback(), { to: answering(503), retry: true, clock });
    expect(clock.slept).toEqual([1_000, 5_000, 15_000]);
  });

  it("scales every wait by timeScale, for tests that replay the real schedule in real time", async () => {
    const to = answering(500);
    const started = performance.now();
    const report = await deliver(await webhook(systemClock), {
      to,
      retry: { ...retryPolicies.meetingBaasWebhook, delaysMs: [5_000, 10_000] },
      timeScale: 0.002,
      seed: 4,
    });
    expect(report.attempts).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(5_000);
    const virtual = virtualClock();
    await deliver(await callback(), { to: answering(500), retry: true, clock: virtual, timeScale: 0.5 });
    expect(virtual.slept).toEqual([500, 2_500, 7_500]);
  });

  it("refuses a timeScale that is not a finite number ≥ 0", async () => {
    await expect(deliver(await callback(), { to: answering(200), timeScale: -1 })).rejects.toThrow(
      /timeScale must be a finite number ≥ 0/,
    );
  });

  it("counts an attempt slower than the timeout as a network error", async () => {
    const never: FetchHandler = () => new Promise(() => {});
    const report = await deliver(await callback(), {
      to: never,
      retry: { ...retryPolicies.meetingBaasCallback, delaysMs: [], timeoutMs: 50 },
    });
    expect(report.attempts[0]).toMatchObject({ status: undefined, error: "timeout" });
  });

  it("POSTs (or PUTs) to a real URL and records status and latency", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers["x-mb-secret"]}`);
      response.writeHead(202).end("accepted");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/meetingbaas`;
    try {
      const delivery = await buildDelivery(meetingbaas.botFailed(), {
        provider: "meetingbaas",
        channel: "callback",
        url,
        method: "PUT",
        secret: "s3cret",
      });
      const report = await deliver(delivery);
      expect(report.attempts[0]).toMatchObject({ attempt: 1, status: 202, responseBody: "accepted" });
      expect(report.attempts[0]?.latencyMs).toBeGreaterThan(0);
      expect(seen).toEqual(["PUT /webhooks/meetingbaas s3cret"]);
    } finally {
      server.close();
    }
  });
});

describe("deliverBatch", () => {
  async function batch(count: number): Promise<Delivery[]> {
    return Promise.all(
      Array.from({ length: count }, (_, seed) =>
        buildDelivery(cronofy.meetingAgentComplete(undefined, { seed }), {
          provider: "cronofy",
          url: "https://r.test",
          secret: secrets.cronofy,
        }),
      ),
    );
  }

  it("re-sends deliveries byte for byte, so a receiver that de-duplicates sees each event once", async () => {
    const deliveries = await batch(5);
    const keys: string[] = [];
    const to: FetchHandler = async (request) => {
      const result = parse({
        ...(deliveries[0] as Delivery),
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      });
      if (result.ok) keys.push(result.event.deliveryKey);
      return new Response(null, { status: 204 });
    };
    const reports = await deliverBatch(deliveries, { to, duplicates: 2 });
    expect(reports).toHaveLength(15);
    expect(reports.filter((r) => r.duplicate)).toHaveLength(10);
    expect(new Set(keys).size).toBe(5);
  });

  it("shuffles a batch deterministically for a seed, with concurrency", async () => {
    const deliveries = await batch(8);
    const order = async (seed: number) => {
      const reports = await deliverBatch(deliveries, {
        to: answering(204),
        shuffle: true,
        seed,
        concurrency: 3,
        duplicates: 0.5,
      });
      return reports.map((r) => deliveries.indexOf(r.delivery));
    };
    const first = await order(7);
    expect(first).toEqual(await order(7));
    expect(first).not.toEqual([...first].sort((a, b) => a - b));
    expect(new Set(first).size).toBe(8);
  });
});
