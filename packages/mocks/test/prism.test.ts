// Prism over the generated receiver contract: it answers a valid delivery and refuses an invalid one with the
// violation, as a mock and as a validating proxy in front of a real receiver.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseCronofyDelivery } from "@meeting-webhooks/receive";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDelivery, cronofy, type Delivery } from "../src/index.js";
import { type PrismServer, startPrism } from "../src/prism/index.js";
import { secrets } from "./helpers.js";

const path = "/webhooks/cronofy/callback/meeting_agent_complete";

async function send(base: string, delivery: Delivery): Promise<Response> {
  return fetch(base + path, { method: delivery.method, headers: delivery.headers, body: delivery.body });
}

async function deliveries() {
  const valid = await buildDelivery(cronofy.meetingAgentComplete(), {
    provider: "cronofy",
    url: path,
    secret: secrets.cronofy,
  });
  const broken = cronofy.meetingAgentComplete({ meeting_agent: { sub: "not-an-agent-id" } });
  const invalid = await buildDelivery(broken, { provider: "cronofy", url: path, secret: secrets.cronofy });
  return { valid, invalid };
}

// startPrism waits up to 120 s for Prism to listen (its default): the hooks wait a little longer.
const prismStartMs = 120_000;

function violations(response: Response): { location: string[]; message: string }[] {
  return JSON.parse(response.headers.get("sl-violations") ?? "[]");
}

describe("startPrism in mock mode over the receiver contract", () => {
  let prism: PrismServer;
  beforeAll(async () => {
    prism = await startPrism({ document: "receiver" });
  }, prismStartMs + 10_000);
  afterAll(() => prism?.stop());

  it("starts on loopback and announces every webhook as a path", () => {
    expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(prism.routes).toContain(`POST ${path}`);
    expect(prism.routes).toContain("PUT /webhooks/meetingbaas/callback/bot.completed");
    console.info(`Prism listened after ${prism.startupMs} ms`);
  });

  it("answers a delivery that keeps the contract with a 2xx", async () => {
    const response = await send(prism.url, (await deliveries()).valid);
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(violations(response)).toEqual([]);
  });

  it("refuses one that breaks it, naming the violation", async () => {
    const response = await send(prism.url, (await deliveries()).invalid);
    expect(response.status).toBe(422);
    expect(violations(response)).toContainEqual(
      expect.objectContaining({
        location: ["request", "body", "meeting_agent", "sub"],
        message: expect.stringMatching(/pattern/),
      }),
    );
  });
});

describe("startPrism in proxy mode in front of a receiver", () => {
  let prism: PrismServer;
  let upstream: Server;
  const seen: string[] = [];
  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const result = parseCronofyDelivery({
          body: Buffer.concat(chunks),
          headers: request.headers,
          secrets: secrets.cronofy,
        });
        seen.push(result.ok ? (result.event.name ?? "unknown") : result.error.code);
        response.writeHead(result.ok ? 204 : 400).end();
      });
    });
    await new Promise<void>((ready) => upstream.listen(0, "127.0.0.1", ready));
    const port = (upstream.address() as AddressInfo).port;
    prism = await startPrism({ document: "receiver", mode: "proxy", upstream: `http://127.0.0.1:${port}` });
  }, prismStartMs + 10_000);
  afterAll(async () => {
    await prism?.stop();
    upstream?.close();
  });

  it("forwards a valid delivery byte for byte, so the receiver verifies its signature", async () => {
    const response = await send(prism.url, (await deliveries()).valid);
    expect(response.status).toBe(204);
    expect(seen).toEqual(["meeting_agent_complete"]);
  });

  it("stops an invalid one before it reaches the receiver", async () => {
    const response = await send(prism.url, (await deliveries()).invalid);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { validation: { location: string[] }[] };
    expect(problem.validation).toContainEqual(
      expect.objectContaining({ location: ["body", "meeting_agent", "sub"] }),
    );
    expect(seen).toEqual(["meeting_agent_complete"]);
  });
});
