// Properties over many generated inputs: round trips, tamper detection, no throw past the API, and agreement with
// the Standard Webhooks reference library.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { parseCronofyDelivery, parseMeetingBaasDelivery } from "../src/index.js";
import { validateEnvelope } from "../src/validate.js";
import { verifyStandardWebhook } from "../src/verify.js";
import {
  cronofySecret,
  cronofySignature,
  exampleDeliveries,
  fixedNow,
  meetingBaasOptions,
  svixHeaders,
  webhookSecret,
} from "./signing.js";

const deliveries = exampleDeliveries();
const hmacDeliveries = deliveries.filter(
  (d) => d.webhook.provider === "cronofy" || d.webhook.channel === "webhook",
);

function parse(provider: string, body: Uint8Array | string, headers: Record<string, string>) {
  return provider === "cronofy"
    ? parseCronofyDelivery({ body, headers, secrets: cronofySecret })
    : parseMeetingBaasDelivery({ body, headers, ...meetingBaasOptions });
}

function sign(provider: string, channel: string, body: Buffer): Record<string, string> {
  if (provider === "cronofy") return { "Cronofy-HMAC-SHA256": cronofySignature(body) };
  return channel === "webhook" ? svixHeaders(body) : { "x-mb-secret": meetingBaasOptions.callbackSecrets };
}

/** A JSON property name that no contract declares. */
const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x_${s}`);

describe("round trips", () => {
  it("every example, with unknown properties added anywhere, still parses to its event with the same payload", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...deliveries),
        fc.array(fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
        fc.boolean(),
        (delivery, additions, pretty) => {
          const payload = JSON.parse(delivery.body.toString());
          for (const [key, value] of additions) payload[key] = value;
          const body = Buffer.from(pretty ? JSON.stringify(payload, null, 2) : JSON.stringify(payload));
          const result = parse(
            delivery.webhook.provider,
            body,
            sign(delivery.webhook.provider, delivery.webhook.channel, body),
          );
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.event.name).toBe(delivery.webhook.event);
          expect(result.event.payload).toEqual(JSON.parse(body.toString()));
          const addedKeys = new Set(additions.map(([key]) => key));
          const driftedTopLevel = result.event.drift
            .filter((d) => d.keyword === "additionalProperties" && d.pointer.split("/").length === 2)
            .map((d) => d.pointer.slice(1).replace(/~1/g, "/").replace(/~0/g, "~"));
          expect(new Set(driftedTopLevel)).toEqual(addedKeys);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("tamper detection", () => {
  it("any single-byte change to a signed body fails verification (Cronofy HMAC and Svix)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...hmacDeliveries),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (delivery, position, delta) => {
          const tampered = Buffer.from(delivery.body);
          const index = position % tampered.length;
          tampered[index] = ((tampered[index] as number) + delta) % 256;
          const result = parse(delivery.webhook.provider, tampered, delivery.headers);
          expect(result).toMatchObject({
            ok: false,
            error: { stage: "signature", code: "signature_mismatch" },
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("robustness", () => {
  const headerArb = fc.dictionary(
    fc.constantFrom(
      "Cronofy-HMAC-SHA256",
      "x-mb-secret",
      "svix-id",
      "svix-timestamp",
      "svix-signature",
      "content-type",
      "webhook-signature",
    ),
    fc.oneof(fc.string(), fc.constant(meetingBaasOptions.callbackSecrets), fc.constant("v1,")),
  );

  it("random bytes and random headers never throw past the API boundary", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string()), headerArb, (body, headers) => {
        for (const provider of ["cronofy", "meetingbaas"]) {
          const result = parse(provider, body, headers);
          expect(typeof result.ok).toBe("boolean");
          if (!result.ok) expect(result.error.code).toMatch(/^[a-z0-9_]+$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("authentic random JSON never throws, and is kept as an unknown event only inside a well-formed envelope", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const body = Buffer.from(JSON.stringify(value) ?? "null");
        const results = [
          ["cronofy", "callback", parse("cronofy", body, sign("cronofy", "callback", body))],
          ["meetingbaas", "callback", parse("meetingbaas", body, sign("meetingbaas", "callback", body))],
          ["meetingbaas", "webhook", parse("meetingbaas", body, sign("meetingbaas", "webhook", body))],
        ] as const;
        for (const [provider, channel, result] of results) {
          const envelope = validateEnvelope(provider, channel, value);
          if (result.ok) {
            expect(result.event.known).toBe(false);
            expect(envelope.valid).toBe(true);
          } else if (result.error.stage === "body") {
            expect(typeof value !== "object" || value === null || Array.isArray(value)).toBe(true);
          } else {
            expect(result.error.stage).toBe("envelope");
            expect(envelope.valid).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("random well-formed envelopes with new event names are kept as unknown events with the name as drift", () => {
    const name = fc.stringMatching(/^[a-z]{1,8}\.[a-z_]{1,12}$/).filter((n) => !/^(bot|calendar)\./.test(n));
    fc.assert(
      fc.property(
        name,
        fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        (event, data) => {
          const mb = Buffer.from(JSON.stringify({ event, data, extra: null }));
          const cronofyBody = Buffer.from(
            JSON.stringify({
              notification: { type: "event_subscription", interactions: [{ type: event }] },
              meeting_agent: { sub: "agt_0f1e2d3c", state: "created", ...data },
            }),
          );
          for (const [provider, channel, body] of [
            ["meetingbaas", "webhook", mb],
            ["meetingbaas", "callback", mb],
            ["cronofy", "callback", cronofyBody],
          ] as const) {
            const result = parse(provider, body, sign(provider, channel, body));
            expect(result).toMatchObject({ ok: true, event: { known: false, name: event, channel } });
            if (result.ok) expect(result.event.drift.map((d) => d.keyword)).toContain("event");
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("agreement with the Standard Webhooks reference library", () => {
  const secretArb = fc
    .uint8Array({ minLength: 16, maxLength: 48 })
    .map((key) => `whsec_${Buffer.from(key).toString("base64")}`);
  const idArb = fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/);

  it("accepts and refuses exactly what the library accepts and refuses", () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        idArb,
        fc.string({ maxLength: 300 }),
        fc.integer({ min: -600, max: 600 }),
        fc.constantFrom(
          "as-signed",
          "other-secret",
          "other-id",
          "other-body",
          "extra-entries",
          "bad-timestamp",
        ),
        (secret, otherSecret, id, text, skewSeconds, mutation) => {
          // The library reads the real clock; give both the same "now" by signing relative to it.
          const now = Date.now();
          const at = new Date(now - skewSeconds * 1000);
          const signer = new Webhook(mutation === "other-secret" ? otherSecret : secret);
          let signature = signer.sign(id, at, text);
          if (mutation === "extra-entries") signature = `v1,${"A".repeat(43)}= v2,xyz ${signature}`;
          const headers = {
            "webhook-id": mutation === "other-id" ? `${id}x` : id,
            "webhook-timestamp":
              mutation === "bad-timestamp"
                ? `${Math.floor(at.getTime() / 1000)}x`
                : String(Math.floor(at.getTime() / 1000)),
            "webhook-signature": signature,
          };
          const body = mutation === "other-body" ? `${text} ` : text;
          let libraryAccepts: boolean;
          try {
            new Webhook(secret).verify(body, headers, { jsonParse: false });
            libraryAccepts = true;
          } catch (error) {
            if (!(error instanceof WebhookVerificationError)) throw error;
            libraryAccepts = false;
          }
          const ours = verifyStandardWebhook({ body, headers, secrets: secret, now: () => now });
          // A skew right at the edge could straddle a second boundary between the two clocks: skip those.
          if (Math.abs(Math.abs(skewSeconds) - 300) <= 1) return;
          // "123x" parses as 123 for the library; the scheme's timestamps are whole seconds, which we require.
          if (mutation === "bad-timestamp") {
            expect(ours.ok).toBe(false);
            return;
          }
          expect(ours.ok).toBe(libraryAccepts);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a body of invalid UTF-8: the library cannot tell two such bodies apart, we can", () => {
    const a = Buffer.from([0x7b, 0xff, 0x7d]);
    const b = Buffer.from([0x7b, 0xfe, 0x7d]);
    const at = new Date(fixedNow);
    const id = "msg_2pQYt1xT8kUq7vZ3";
    const library = new Webhook(webhookSecret);
    expect(library.sign(id, at, a)).toBe(library.sign(id, at, b));
    const key = Buffer.from(webhookSecret.slice("whsec_".length), "base64");
    const timestamp = String(fixedNow / 1000);
    const raw = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(a).digest("base64");
    const headers = { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,${raw}` };
    const ours = (body: Buffer) =>
      verifyStandardWebhook({ body, headers, secrets: webhookSecret, now: () => fixedNow }).ok;
    expect([ours(a), ours(b)]).toEqual([true, false]);
  });
});
