// Signing deliveries the way the providers do, independently of the code under test: Cronofy with node:crypto,
// Svix with the Standard Webhooks reference library.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadWebhooks, providers, specsDir, type WebhookSpec } from "@meeting-webhooks/specs";
import { Webhook } from "standardwebhooks";

export const cronofySecret = "cronofy-client-secret-7f3a9c";
export const callbackSecret = "mb-callback-secret-2b81";
export const webhookSecret = `whsec_${Buffer.from("meeting-webhooks test signing key 01").toString("base64")}`;
export const fixedNow = Date.UTC(2026, 10, 24, 16, 0, 0);

export function cronofySignature(body: Uint8Array | string, secret = cronofySecret): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export function svixHeaders(
  body: string | Buffer,
  options: { id?: string; at?: number; secret?: string } = {},
): Record<string, string> {
  const at = new Date(options.at ?? fixedNow);
  const id = options.id ?? "msg_2pQYt1xT8kUq7vZ3";
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(options.secret ?? webhookSecret).sign(id, at, body),
  };
}

export interface ExampleDelivery {
  webhook: WebhookSpec;
  file: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** Every example of every webhook, as a signed delivery (compact JSON, as providers send). */
export function exampleDeliveries(): ExampleDelivery[] {
  const out: ExampleDelivery[] = [];
  for (const provider of providers) {
    for (const webhook of loadWebhooks(provider)) {
      for (const file of webhook.examples) {
        const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(file, "utf8"))));
        const headers =
          provider === "cronofy"
            ? { "Cronofy-HMAC-SHA256": cronofySignature(body) }
            : webhook.channel === "callback"
              ? { "x-mb-secret": callbackSecret }
              : svixHeaders(body);
        out.push({ webhook, file: file.slice(specsDir.length + 1), body, headers });
      }
    }
  }
  return out;
}

export const meetingBaasOptions = {
  callbackSecrets: callbackSecret,
  webhookSecrets: webhookSecret,
  now: () => fixedNow,
};

export function example(path: string): Buffer {
  return Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(specsDir, path), "utf8"))));
}
