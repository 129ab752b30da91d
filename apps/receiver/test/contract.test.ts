// Contract test: the receiver behind `prism proxy --errors` over its own contract (specs/receiver/openapi.yaml).
// Every example of both provider contracts and a batch of factory-generated deliveries go through the simulator;
// then the read API is called through the proxy too. Zero violations, in requests or in responses.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDelivery, type Delivery, deliver, factoryFor } from "@meeting-webhooks/mocks";
import { createProviderMocks } from "@meeting-webhooks/mocks/msw";
import { type PrismServer, startPrism } from "@meeting-webhooks/mocks/prism";
import {
  bundleDocument,
  loadWebhooks,
  providers,
  readJson,
  specsDir,
  type WebhookSpec,
} from "@meeting-webhooks/specs";
import { makeTempDir, type TempDir } from "@meeting-webhooks/test-support";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { secrets, startReceiver } from "./support.js";

let receiver: Receiver;
let prism: PrismServer;
let documentDir: TempDir | undefined;
// Provider downloads during processing are answered by the MSW mocks generated from the contracts: no network.
const providerMocks = setupServer(...createProviderMocks().handlers);

beforeAll(async () => {
  providerMocks.listen({ onUnhandledRequest: "bypass" });
  receiver = await startReceiver({ env: { CRONOFY_API_KEY: "contract-test-key" } });
  const upstream = await receiver.app.listen({ port: 0, host: "127.0.0.1" });
  documentDir = makeTempDir("meeting-webhooks-receiver-contract-");
  const document = join(documentDir.path, "receiver-openapi.json");
  writeFileSync(document, JSON.stringify(bundleDocument(join(specsDir, "receiver", "openapi.yaml"))));
  // startPrism waits up to 120 s for Prism to listen (over 20 s on CI's two busy cores): the hook waits longer.
  prism = await startPrism({ document, mode: "proxy", upstream, errors: true });
}, 140_000);

afterAll(async () => {
  await prism?.stop();
  await receiver?.close();
  providerMocks.close();
  documentDir?.remove();
});

function pathOf(webhook: WebhookSpec): string {
  if (webhook.provider === "cronofy") return "/webhooks/cronofy";
  return webhook.channel === "callback" ? "/webhooks/meetingbaas/callback" : "/webhooks/meetingbaas";
}

function signed(webhook: WebhookSpec, payload: unknown): Promise<Delivery> {
  const url = `${prism.url}${pathOf(webhook)}`;
  if (webhook.provider === "cronofy")
    return buildDelivery(payload as object, { provider: "cronofy", url, secret: secrets.cronofy });
  if (webhook.channel === "callback") {
    return buildDelivery(payload as object, {
      provider: "meetingbaas",
      channel: "callback",
      url,
      secret: secrets.callback,
    });
  }
  return buildDelivery(payload as object, {
    provider: "meetingbaas",
    channel: "webhook",
    url,
    secret: secrets.webhook,
  });
}

const webhooks = providers.flatMap((provider) => loadWebhooks(provider));

async function throughPrism(delivery: Delivery) {
  const report = await deliver(delivery);
  const attempt = report.attempts[0];
  return { status: attempt?.status, body: attempt?.responseBody };
}

describe("the receiver behind prism proxy --errors", () => {
  it("accepts every example of both provider contracts with no violation", async () => {
    const outcomes: string[] = [];
    for (const webhook of webhooks) {
      for (const file of webhook.examples) {
        const { status, body } = await throughPrism(await signed(webhook, readJson(file)));
        if (status !== 202) outcomes.push(`${webhook.key} ${file}: ${status} ${String(body).slice(0, 300)}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it("accepts a batch of factory-generated deliveries from both providers with no violation", async () => {
    const outcomes: string[] = [];
    let sent = 0;
    for (const webhook of webhooks) {
      for (let seed = 1; seed <= 4; seed++) {
        const factory = factoryFor(webhook.provider, webhook.event);
        if (!factory) throw new Error(`no factory for ${webhook.key}`);
        const payload = factory(undefined, { seed: seed * 7919 + sent });
        const { status, body } = await throughPrism(await signed(webhook, payload));
        sent++;
        if (status !== 202)
          outcomes.push(`${webhook.key} seed ${seed}: ${status} ${String(body).slice(0, 300)}`);
      }
    }
    expect(sent).toBe(webhooks.length * 4);
    expect(outcomes).toEqual([]);
  });

  it("serves the read API with responses valid against the contract", async () => {
    await receiver.drain();
    const meetings = (await (await fetch(`${prism.url}/api/meetings`)).json()) as {
      meetings: { id: number }[];
    };
    expect(meetings.meetings.length).toBeGreaterThan(0);
    const urls = [
      "/api/meetings?provider=meetingbaas",
      "/api/deliveries?limit=100",
      "/api/deliveries?state=handled",
      "/api/deliveries?status=quarantined&provider=cronofy",
      "/api/drift",
      "/api/drift?provider=cronofy&since=2026-01-01T00:00:00Z",
      "/healthz",
      "/metrics",
      ...meetings.meetings.slice(0, 10).map((m) => `/api/meetings/${m.id}`),
    ];
    for (const url of urls) {
      const response = await fetch(`${prism.url}${url}`);
      expect({ url, status: response.status, violations: response.headers.get("sl-violations") }).toEqual({
        url,
        status: 200,
        violations: null,
      });
    }
  });

  it("erases a meeting with answers valid against the contract, and lists its deliveries forgotten", async () => {
    await receiver.drain();
    const meetings = (await (await fetch(`${prism.url}/api/meetings`)).json()) as {
      meetings: { id: number }[];
    };
    const id = meetings.meetings[0]?.id;
    const answers = [];
    // Twice: erased, then gone.
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${prism.url}/api/meetings/${id}`, { method: "DELETE" });
      answers.push({ status: response.status, violations: response.headers.get("sl-violations") });
    }
    expect(answers).toEqual([
      { status: 204, violations: null },
      { status: 404, violations: null },
    ]);
    const deliveries = await fetch(`${prism.url}/api/deliveries?limit=500`);
    expect({ status: deliveries.status, violations: deliveries.headers.get("sl-violations") }).toEqual({
      status: 200,
      violations: null,
    });
    const { deliveries: listed } = (await deliveries.json()) as { deliveries: { forgotten: unknown }[] };
    expect(listed.some((d) => d.forgotten !== null)).toBe(true);
  });

  it("is a real check: a body that breaks the contract is refused by the proxy with the violation", async () => {
    // The receiver itself would quarantine this authentic delivery and answer 202; the proxy must refuse it first.
    const webhook = webhooks.find((w) => w.key === "webhook/bot.completed") as WebhookSpec;
    const payload = readJson(webhook.examples[0] as string) as { data: Record<string, unknown> };
    payload.data.duration_seconds = "1620";
    const { status, body } = await throughPrism(await signed(webhook, payload));
    expect(status).toBe(422);
    expect(String(body)).toMatch(/duration_seconds/);
  });
});
