// Deliveries and webhooks for the tests, with no test runner in them: the child processes of the crash and
// multi-process tests (test/processes/app.ts) use them too.
import { buildDelivery, meetingbaas } from "@meeting-webhooks/mocks";
import type { ReceiverSecrets } from "@meeting-webhooks/mocks/conformance";
import { createMeetingWebhooks, type MeetingWebhooks, type ReceiveOptions } from "@meeting-webhooks/receive";

export const secrets = {
  cronofy: "inbox-test-cronofy-secret",
  callback: "inbox-test-callback-secret",
  webhook: `whsec_${Buffer.from("inbox tests' signing key, 32 b!!").toString("base64")}`,
};

/** The same secrets in the shape the conformance runner signs with, per route. */
export const receiverSecrets: ReceiverSecrets = {
  cronofy: secrets.cronofy,
  meetingBaasCallback: secrets.callback,
  meetingBaasWebhook: secrets.webhook,
};

export function testWebhooks(): MeetingWebhooks {
  return createMeetingWebhooks({
    cronofy: { clientSecrets: secrets.cronofy },
    meetingbaas: { callbackSecrets: secrets.callback, webhookSecret: secrets.webhook },
  });
}

/** A bot id per number: deliveries with the same number belong to one meeting (one subject). */
export function botId(bot: number): string {
  return `00000000-0000-4000-8000-${String(bot).padStart(12, "0")}`;
}

/** A signed Meeting BaaS delivery of `payload` (an object, or text sent byte for byte) on `channel`, as `receive` takes it. */
export async function signedMeetingBaas(
  payload: unknown,
  channel: "webhook" | "callback",
  id?: string,
): Promise<ReceiveOptions> {
  const url = "http://127.0.0.1/webhooks/meetingbaas";
  const delivery = await buildDelivery(
    payload,
    channel === "webhook"
      ? { provider: "meetingbaas", channel, url, secret: secrets.webhook, ...(id ? { id } : {}) }
      : { provider: "meetingbaas", channel, url: `${url}/callback`, secret: secrets.callback },
  );
  return { provider: "meetingbaas", channel, body: delivery.body, headers: delivery.headers };
}

/** A signed Meeting BaaS account webhook (`bot.status_change` of `bot`), as `receive` takes it. */
export function statusChange(bot: number, step: number, id = `msg_${bot}_${step}`): Promise<ReceiveOptions> {
  const payload = meetingbaas.botStatusChange({ data: { bot_id: botId(bot) } }, { seed: step + 1 });
  return signedMeetingBaas(payload, "webhook", id);
}

/** A signed Meeting BaaS callback whose body breaks its contract (`bot.completed` without `data`). */
export function brokenCallback(): Promise<ReceiveOptions> {
  return signedMeetingBaas({ event: "bot.completed", data: { bot_id: botId(99) }, extra: null }, "callback");
}

/** A signed Meeting BaaS webhook of an event the contract does not know yet, in a well-formed envelope. */
export function unknownEvent(): Promise<ReceiveOptions> {
  return signedMeetingBaas(
    { event: "bot.stand_in_new_event", data: { bot_id: botId(7) }, extra: null },
    "webhook",
  );
}
