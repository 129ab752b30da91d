// Deliveries and webhooks for the tests, with no test runner in them: the child processes of the crash and
// multi-process tests (test/processes/app.ts) use them too.
import { buildDelivery, meetingbaas } from "@meeting-webhooks/mocks";
import { createMeetingWebhooks, type MeetingWebhooks, type ReceiveOptions } from "@meeting-webhooks/receive";

export const secrets = {
  cronofy: "inbox-test-cronofy-secret",
  callback: "inbox-test-callback-secret",
  webhook: `whsec_${Buffer.from("inbox tests' signing key, 32 b!!").toString("base64")}`,
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

/** A signed Meeting BaaS account webhook (`bot.status_change` of `bot`), as `receive` takes it. */
export async function statusChange(
  bot: number,
  step: number,
  id = `msg_${bot}_${step}`,
): Promise<ReceiveOptions> {
  const payload = meetingbaas.botStatusChange({ data: { bot_id: botId(bot) } }, { seed: step + 1 });
  const delivery = await buildDelivery(payload, {
    provider: "meetingbaas",
    channel: "webhook",
    url: "http://127.0.0.1/webhooks/meetingbaas",
    secret: secrets.webhook,
    id,
  });
  return { provider: "meetingbaas", channel: "webhook", body: delivery.body, headers: delivery.headers };
}

/** A signed Meeting BaaS callback whose body breaks its contract (`bot.completed` without `data`). */
export async function brokenCallback(): Promise<ReceiveOptions> {
  const delivery = await buildDelivery(
    { event: "bot.completed", data: { bot_id: botId(99) }, extra: null },
    {
      provider: "meetingbaas",
      channel: "callback",
      url: "http://127.0.0.1/webhooks/meetingbaas/callback",
      secret: secrets.callback,
    },
  );
  return { provider: "meetingbaas", channel: "callback", body: delivery.body, headers: delivery.headers };
}
