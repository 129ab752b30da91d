// Each adapter against its real framework, over real HTTP on loopback: the three routes, the refusals made before
// reading (405, 413, 415), other paths left to the app, and the same answers everywhere (httpStatusOf).
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { loadWebhooks, providers } from "@meeting-webhooks/specs";
import connect from "connect";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingWebhooksPlugin } from "../src/adapters/fastify.js";
import { createFetchHandler } from "../src/adapters/fetch.js";
import { createNodeMiddleware } from "../src/adapters/node.js";
import { answerOf, createMeetingWebhooks, webhookRoutes } from "../src/index.js";
import {
  callbackSecret,
  cronofySecret,
  cronofySignature,
  example,
  fixedNow,
  svixHeaders,
  webhookSecret,
} from "./signing.js";

const bodyLimit = 64 * 1024;
const received: string[] = [];
const webhooks = createMeetingWebhooks({
  cronofy: { clientSecrets: cronofySecret },
  meetingbaas: { callbackSecrets: callbackSecret, webhookSecret },
  now: () => fixedNow,
}).onAny((event) => {
  received.push(`${event.provider}/${event.channel}/${event.name}`);
});

interface Running {
  base: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const frameworks: Record<string, () => Promise<Running>> = {
  "node:http": () => listen(createServer(createNodeMiddleware(webhooks, { bodyLimit }))),
  "Express 5": () => {
    const app = express();
    app.use(createNodeMiddleware(webhooks, { bodyLimit }));
    app.use(express.json());
    app.get("/other", (_request, response) => {
      response.json({ app: "express" });
    });
    return listen(createServer(app));
  },
  Connect: () => {
    const app = connect();
    app.use(createNodeMiddleware(webhooks, { bodyLimit }));
    app.use("/other", (_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ app: "connect" }));
    });
    return listen(createServer(app));
  },
  Fastify: async () => {
    const app = Fastify();
    await app.register(meetingWebhooksPlugin, { webhooks, bodyLimit });
    app.get("/other", async () => ({ app: "fastify" }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    return { base: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
  "Hono on @hono/node-server": async () => {
    const app = new Hono();
    const handle = createFetchHandler(webhooks, { bodyLimit });
    app.all("/webhooks/*", (c) => handle(c.req.raw));
    app.get("/other", (c) => c.json({ app: "hono" }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    return {
      base: `http://127.0.0.1:${port}`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
};

const completed = example("meetingbaas/examples/bot.completed.json");
const agentComplete = example("cronofy/examples/meeting_agent_complete.json");
const json = { "content-type": "application/json" };

for (const [name, start] of Object.entries(frameworks)) {
  describe(name, () => {
    let running: Running;
    beforeAll(async () => {
      running = await start();
    });
    afterAll(async () => {
      await running.close();
    });
    const post = (path: string, body: Buffer | string, headers: Record<string, string>, method = "POST") =>
      fetch(`${running.base}${path}`, { method, body, headers });

    it("answers 202 on each route and runs the handlers", async () => {
      received.length = 0;
      const answers = await Promise.all([
        post("/webhooks/cronofy", agentComplete, {
          ...json,
          "cronofy-hmac-sha256": cronofySignature(agentComplete),
        }),
        post("/webhooks/meetingbaas", completed, { ...json, ...svixHeaders(completed) }),
        post("/webhooks/meetingbaas/callback", completed, { ...json, "x-mb-secret": callbackSecret }, "PUT"),
      ]);
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
      expect(await answers[0]?.json()).toMatchObject({ status: "accepted", deliveryKey: expect.any(String) });
      expect(received.sort()).toEqual([
        "cronofy/callback/meeting_agent_complete",
        "meetingbaas/callback/bot.completed",
        "meetingbaas/webhook/bot.completed",
      ]);
    });

    it("401 for a forged signature, 400 for an authentic body that is not JSON, 202 quarantined for a broken envelope", async () => {
      const forged = await post("/webhooks/cronofy", agentComplete, { ...json, "cronofy-hmac-sha256": "x" });
      expect(forged.status).toBe(401);
      expect(forged.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await forged.json()).toMatchObject({ status: 401, code: "malformed_signature" });
      const notJson = "{nope";
      const bad = await post("/webhooks/meetingbaas/callback", notJson, {
        ...json,
        "x-mb-secret": callbackSecret,
      });
      expect(bad.status).toBe(400);
      const misrouted = await post("/webhooks/cronofy", completed, {
        ...json,
        "cronofy-hmac-sha256": cronofySignature(completed),
      });
      expect(misrouted.status).toBe(202);
      expect(await misrouted.json()).toMatchObject({ status: "quarantined", code: "envelope_mismatch" });
    });

    it("refuses other content types (415), oversized bodies (413) and methods a route does not take (405)", async () => {
      const text = await post("/webhooks/cronofy", agentComplete, { "content-type": "text/plain" });
      expect(text.status).toBe(415);
      const huge = Buffer.alloc(bodyLimit + 1, 0x20);
      const large = await post("/webhooks/meetingbaas", huge, { ...json, ...svixHeaders(huge) });
      expect(large.status).toBe(413);
      expect(await large.json()).toMatchObject({ code: "body_too_large" });
      const put = await post("/webhooks/cronofy", agentComplete, json, "PUT");
      expect(put.status).toBe(405);
    });

    it("leaves other paths to the app (404 where the app has none)", async () => {
      if (name !== "node:http") {
        const other = await fetch(`${running.base}/other`);
        expect(other.status).toBe(200);
      }
      expect((await fetch(`${running.base}/nowhere`)).status).toBe(404);
    });
  });
}

describe("createFetchHandler with plain Request objects (Next.js route handlers, Workers, Bun, Deno)", () => {
  const handle = createFetchHandler(webhooks, { path: "/api/webhooks", bodyLimit });

  it("answers a delivery under its prefix and 404 elsewhere", async () => {
    const ok = await handle(
      new Request("https://app.example.invalid/api/webhooks/meetingbaas", {
        method: "POST",
        headers: { ...json, ...svixHeaders(completed) },
        body: completed,
      }),
    );
    expect(ok.status).toBe(202);
    const other = await handle(new Request("https://app.example.invalid/api/other", { method: "POST" }));
    expect(other.status).toBe(404);
  });

  it("stops reading a streamed body past the limit, without a content-length", async () => {
    const chunk = new Uint8Array(16 * 1024);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const answer = await handle(
      new Request("https://app.example.invalid/api/webhooks/cronofy", {
        method: "POST",
        headers: json,
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(answer.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

describe("webhookRoutes", () => {
  it("take exactly the HTTP methods the contracts declare for each provider and channel", () => {
    const declared = new Map<string, Set<string>>();
    for (const provider of providers) {
      for (const webhook of loadWebhooks(provider)) {
        const key = `${provider}/${webhook.channel}`;
        const methods = declared.get(key) ?? new Set<string>();
        for (const method of webhook.methods) methods.add(method);
        declared.set(key, methods);
      }
    }
    const routed = new Map(
      [...webhookRoutes().values()].map((route) => [
        `${route.provider}/${route.channel}`,
        new Set(route.methods),
      ]),
    );
    expect(routed).toEqual(declared);
  });
});

describe("answerOf, for an inbox's outcomes", () => {
  it("is 503 with Retry-After when the delivery could not be stored", () => {
    const answer = answerOf({
      ok: false,
      error: {
        stage: "unavailable",
        code: "storage_unavailable",
        message: "The database does not answer.",
        retryAfterSeconds: 7,
      },
    });
    expect(answer.status).toBe(503);
    expect(answer.headers).toMatchObject({ "retry-after": "7", "content-type": "application/problem+json" });
    expect(JSON.parse(answer.body)).toMatchObject({ status: 503, code: "storage_unavailable" });
  });

  it("tells where an accepted or quarantined delivery was stored, and whether it was a duplicate", () => {
    const event = {
      known: false as const,
      provider: "cronofy" as const,
      channel: "callback" as const,
      name: "meeting_agent_paused",
      payload: {},
      deliveryKey: "cronofy:callback:x",
      drift: [],
      deliveryId: "12",
    };
    expect(JSON.parse(answerOf({ ok: true, event, duplicate: true }).body)).toEqual({
      status: "unknown",
      deliveryKey: "cronofy:callback:x",
      deliveryId: "12",
      duplicate: true,
    });
    const quarantined = answerOf({
      ok: false,
      error: {
        stage: "schema",
        code: "schema_mismatch",
        message: "",
        issues: [],
        provider: "cronofy",
        channel: "callback",
        deliveryKey: "cronofy:callback:y",
        payload: {},
        deliveryId: "13",
      },
    });
    expect(quarantined.status).toBe(202);
    expect(JSON.parse(quarantined.body)).toMatchObject({ status: "quarantined", deliveryId: "13" });
  });
});
