import { readFileSync } from "node:fs";
import { bundleAsyncApi, loadWebhooks, providers } from "@meeting-webhooks/specs";
import { describe, expect, it } from "vitest";
import { repositoryContracts } from "../src/contracts.js";
import { findAsyncApiOperation, loadEventCatalog } from "../src/event-catalog.js";

const catalog = loadEventCatalog(repositoryContracts);
const events = catalog.flatMap((p) => p.events);
const byKey = (provider: string, key: string) => {
  const event = events.find((e) => e.provider === provider && e.key === key);
  if (!event) throw new Error(`${provider} ${key} is not in the catalog`);
  return event;
};

describe("loadEventCatalog", () => {
  it("has one entry per webhook of every provider's OpenAPI document, in the spec's order", () => {
    expect(catalog.map((p) => p.provider)).toEqual([...providers]);
    for (const p of catalog) {
      expect(p.events.map((e) => e.key)).toEqual(loadWebhooks(p.provider).map((w) => w.key));
    }
  });

  it("names each provider after its OpenAPI document's title", () => {
    for (const p of catalog) {
      expect(p.title).toBe((p.openapi.info as { title: string }).title);
      expect(p.events.every((e) => e.providerTitle === p.title)).toBe(true);
    }
  });

  it("gives every event a name, a channel, when it fires and a unique id", () => {
    for (const event of events) {
      expect(event.event, event.key).toMatch(/\S/);
      expect(["callback", "webhook"]).toContain(event.channel);
      expect(event.description, event.key).toMatch(/^Fires /);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("carries the example payloads of the spec, the first one being the event's own example file", () => {
    for (const provider of providers) {
      for (const webhook of loadWebhooks(provider)) {
        const event = byKey(provider, webhook.key);
        expect(event.examples.map((e) => e.payload)).toEqual(
          webhook.examples.map((file) => JSON.parse(readFileSync(file, "utf8"))),
        );
        expect(event.examples.every((e) => e.summary !== "")).toBe(true);
      }
    }
  });

  it("lists the headers with their realistic examples", () => {
    const svix = byKey("meetingbaas", "webhook/bot.status_change");
    expect(svix.headers.map((h) => [h.name, h.required])).toEqual([
      ["svix-id", true],
      ["svix-timestamp", true],
      ["svix-signature", true],
    ]);
    expect(svix.headers[0]?.example).toMatch(/^msg_/);
    expect(svix.headers[2]?.pattern).toBeDefined();
  });

  it("says how each delivery is verified, and when the credential is optional", () => {
    const cronofy = byKey("cronofy", "meeting_agent_complete");
    expect(cronofy.verification.map((v) => v.header)).toEqual(["Cronofy-HMAC-SHA256"]);
    expect(cronofy.verification[0]?.description).toContain("HMAC-SHA256");
    expect(cronofy.verificationOptional).toBe(false);
    const callback = byKey("meetingbaas", "callback/bot.completed");
    expect(callback.verification.map((v) => v.header)).toEqual(["x-mb-secret"]);
    expect(callback.verificationOptional).toBe(true);
  });

  it("links each event to its Redoc operation and its AsyncAPI operation", () => {
    const event = byKey("cronofy", "meeting_agent_failed");
    expect(event.links.openapi).toBe(
      "cronofy/openapi.html#/meeting-agent-callbacks/cronofymeetingagentfailed",
    );
    expect(event.links.asyncapi).toBe("cronofy/asyncapi.html#operation-receive-receiveMeetingAgentFailed");
  });
});

describe("findAsyncApiOperation", () => {
  it("finds an AsyncAPI operation for every webhook", () => {
    for (const event of events) expect(event.asyncApiOperationId, event.key).toBeDefined();
  });

  it("tells the two channels of one event apart by the header that authenticates them", () => {
    const asyncapi = bundleAsyncApi("meetingbaas");
    const [callback, webhook] = ["callback/bot.completed", "webhook/bot.completed"].map((key) =>
      loadWebhooks("meetingbaas").find((w) => w.key === key),
    );
    expect(callback && findAsyncApiOperation(asyncapi, callback)).toBe("receiveBotCompletedCallback");
    expect(webhook && findAsyncApiOperation(asyncapi, webhook)).toBe("receiveBotCompletedWebhook");
  });

  it("finds nothing for an event no operation receives", () => {
    const [webhook] = loadWebhooks("cronofy");
    if (!webhook) throw new Error("no Cronofy webhook");
    expect(findAsyncApiOperation(bundleAsyncApi("cronofy"), { ...webhook, event: "not_an_event" })).toBe(
      undefined,
    );
  });
});
