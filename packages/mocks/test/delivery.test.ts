// The simulator and the verifier must agree: every built delivery is accepted by @meeting-webhooks/receive.
import { verifyCronofySignature } from "@meeting-webhooks/receive/verify";
import { loadWebhooks, providers } from "@meeting-webhooks/specs";
import { describe, expect, it } from "vitest";
import { buildDelivery, type Delivery, factoryFor } from "../src/index.js";
import { parse, secrets } from "./helpers.js";

const webhooks = providers.flatMap((provider) => loadWebhooks(provider));

describe("buildDelivery", () => {
  it.each(webhooks.map((w) => [`${w.provider} ${w.key}`, w] as const))(
    "signs %s so that @meeting-webhooks/receive accepts it as that event",
    async (_, webhook) => {
      const payload = (factoryFor(webhook.provider, webhook.event) as () => unknown)();
      const delivery = await buildDelivery(
        payload,
        webhook.provider === "cronofy"
          ? { provider: "cronofy", url: "https://receiver.test/webhooks/cronofy", secret: secrets.cronofy }
          : webhook.channel === "callback"
            ? {
                provider: "meetingbaas",
                channel: "callback",
                url: "https://receiver.test/cb",
                secret: secrets.callback,
              }
            : {
                provider: "meetingbaas",
                channel: "webhook",
                url: "https://receiver.test/wh",
                secret: secrets.webhook,
              },
      );
      expect(delivery.event).toBe(webhook.event);
      const result = parse(delivery);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.event).toMatchObject({
        provider: webhook.provider,
        channel: webhook.channel,
        name: webhook.event,
      });
      expect(result.event.payload).toEqual(payload);
      expect(result.event.drift).toEqual([]);
    },
  );

  it("sends a string body byte for byte", async () => {
    const body = '{ "event": "bot.failed",\n  "data": {} }';
    const delivery = await buildDelivery(body, {
      provider: "meetingbaas",
      channel: "webhook",
      url: "https://r.test",
      secret: secrets.webhook,
    });
    expect(delivery.body).toBe(body);
    expect(delivery.event).toBe("bot.failed");
  });

  it("lists one Cronofy HMAC per secret, comma-separated, while secrets rotate", async () => {
    const delivery = await buildDelivery(
      { notification: {} },
      { provider: "cronofy", url: "https://r.test", secret: ["old-secret", "new-secret"] },
    );
    expect(delivery.headers["cronofy-hmac-sha256"]?.split(",")).toHaveLength(2);
    for (const secret of ["old-secret", "new-secret"]) {
      expect(
        verifyCronofySignature({ body: delivery.body, headers: delivery.headers, secrets: secret }).ok,
      ).toBe(true);
    }
  });

  it("signs Svix deliveries with a fresh msg_ id, one v1 signature per secret, and re-signs keeping the id", async () => {
    const other = `whsec_${Buffer.from("another key").toString("base64")}`;
    const a = await buildDelivery(
      { event: "bot.failed" },
      {
        provider: "meetingbaas",
        channel: "webhook",
        url: "https://r.test",
        secret: [secrets.webhook, other],
      },
    );
    const b = await buildDelivery(
      { event: "bot.failed" },
      { provider: "meetingbaas", channel: "webhook", url: "https://r.test", secret: secrets.webhook },
    );
    expect(a.headers["svix-id"]).toMatch(/^msg_[A-Za-z0-9]{27}$/);
    expect(a.headers["svix-id"]).not.toBe(b.headers["svix-id"]);
    expect(a.headers["svix-signature"]?.split(" ")).toHaveLength(2);
    const later = await (a.resign as (at: number) => Promise<Delivery>)(Date.now() + 600_000);
    expect(later.headers["svix-id"]).toBe(a.headers["svix-id"]);
    expect(
      Number(later.headers["svix-timestamp"]) - Number(a.headers["svix-timestamp"]),
    ).toBeGreaterThanOrEqual(599);
  });

  it("sends Meeting BaaS callbacks with the configured method, and without x-mb-secret when there is none", async () => {
    const put = await buildDelivery(
      {},
      { provider: "meetingbaas", channel: "callback", url: "https://r.test", method: "PUT", secret: "s" },
    );
    expect(put).toMatchObject({ method: "PUT", headers: { "x-mb-secret": "s" } });
    const bare = await buildDelivery(
      {},
      { provider: "meetingbaas", channel: "callback", url: "https://r.test", secret: null },
    );
    expect(bare.headers["x-mb-secret"]).toBeUndefined();
  });
});
