// Shared by the tests: the secrets deliveries are signed with, and the receiver-side check of a delivery.
import { parseCronofyDelivery, parseMeetingBaasDelivery } from "@meeting-webhooks/receive";
import type { Delivery } from "../src/index.js";

export const secrets = {
  cronofy: "cronofy-client-secret-for-tests",
  callback: "mbcb_test_callback_secret",
  webhook: `whsec_${Buffer.from("meeting-webhooks mocks test key").toString("base64")}`,
};

export function parse(delivery: Delivery, now?: () => number) {
  const options = { body: delivery.body, headers: delivery.headers };
  return delivery.provider === "cronofy"
    ? parseCronofyDelivery({ ...options, secrets: secrets.cronofy })
    : parseMeetingBaasDelivery({
        ...options,
        callbackSecrets: secrets.callback,
        webhookSecrets: secrets.webhook,
        ...(now ? { now } : {}),
      });
}
