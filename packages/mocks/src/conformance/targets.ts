// What a conformance run is pointed at (a provider and one of its channels), how long the provider waits for an
// answer, and what the provider documents it does when the answer is not a 2xx. The numbers come from the contracts'
// delivery policies (`deliveryPolicies`, generated from `components.x-delivery-policies`): never written twice.
import type { Channel, Provider } from "@meeting-webhooks/types";
import { deliveryPolicies } from "../contract.gen.js";
import { retryPolicyFor } from "../simulate.js";

/** The kinds of endpoint the providers deliver to, `<provider>/<channel>`. */
export const conformanceTargets = [
  "cronofy/callback",
  "meetingbaas/callback",
  "meetingbaas/webhook",
] as const;
export type ConformanceTarget = (typeof conformanceTargets)[number];

/** How each target is named in reports, help and docs. */
export const targetLabels: Record<ConformanceTarget, string> = {
  "cronofy/callback": "Cronofy callbacks",
  "meetingbaas/callback": "Meeting BaaS callbacks",
  "meetingbaas/webhook": "Meeting BaaS webhooks",
};

/** The channel a provider delivers on when none is named: Cronofy has only callbacks; Meeting BaaS, as `send`. */
export function defaultChannel(provider: Provider): Channel {
  return provider === "cronofy" ? "callback" : "webhook";
}

export function targetOf(provider: Provider, channel: Channel): ConformanceTarget | undefined {
  const target = `${provider}/${channel}`;
  return (conformanceTargets as readonly string[]).includes(target)
    ? (target as ConformanceTarget)
    : undefined;
}

/**
 * How long the provider waits for an answer: Meeting BaaS documents 30 s on both channels; Cronofy documents none,
 * so the simulator's own default stands in (`retryPolicies.cronofy`), and reports say so.
 */
export function providerTimeoutMs(target: ConformanceTarget): number {
  const [provider, channel] = target.split("/") as [Provider, Channel];
  return retryPolicyFor({ provider, channel }).timeoutMs;
}

/** Whether the provider documents its timeout, or the default is this tool's choice. */
export function timeoutIsDocumented(target: ConformanceTarget): boolean {
  return target !== "cronofy/callback";
}

/** 5 → "5 s", 300 → "5 min", 7200 → "2 h". */
export function durationText(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const { callback, webhook } = deliveryPolicies.meetingbaas;

function retriedOutcomes(retryOn: string, timeoutSeconds: number): string {
  return retryOn === "non-2xx"
    ? `anything but a 2xx within ${timeoutSeconds} s`
    : `a 5xx, a network error or no answer within ${timeoutSeconds} s`;
}

function policySource(channel: "callback" | "webhook"): string {
  return `specs/meetingbaas/openapi.yaml, x-delivery-policies.${channel} (${deliveryPolicies.meetingbaas[channel].sources.join("; ")})`;
}

const webhookHours = Math.round(webhook.delaysSeconds.reduce((sum, s) => sum + s, 0) / 3600);

export interface DeliveryConsequence {
  /** What the provider does with an endpoint that does not answer 2xx in time. */
  text: string;
  source: string;
}

/** What each provider documents it does when a delivery is not acknowledged: the cost of a failed scenario. */
export const deliveryConsequences: Record<ConformanceTarget, DeliveryConsequence> = {
  "meetingbaas/webhook": {
    text:
      `Meeting BaaS retries ${retriedOutcomes(webhook.retryOn, webhook.timeoutSeconds)} on its webhook schedule ` +
      `(${webhook.attempts} attempts over about ${webhookHours} hours, waiting ` +
      `${webhook.delaysSeconds.map(durationText).join(", ")} ±${webhook.jitter * 100} %, at least ` +
      `${webhook.minDelayAfter429OrTimeoutSeconds} s after a 429 or a timeout) and disables an endpoint ` +
      `after ${webhook.disableAfterFailingDays} days of failures.`,
    source: policySource("webhook"),
  },
  "meetingbaas/callback": {
    text:
      `Meeting BaaS retries a callback after ${retriedOutcomes(callback.retryOn, callback.timeoutSeconds)} ` +
      `(${callback.attempts} attempts, waiting ${callback.delaysSeconds.map(durationText).join(", ")}), then drops ` +
      "it; a 4xx is final at once. Only POST /v2/bots/{bot_id}/retry-callback sends it again.",
    source: policySource("callback"),
  },
  "cronofy/callback": {
    text:
      "Cronofy publishes no retry policy: a callback not answered 2xx may be lost, or come again on a schedule " +
      `nobody documents (this tool allows ${durationText(providerTimeoutMs("cronofy/callback") / 1000)}, its own choice).`,
    source:
      "specs/cronofy/openapi.yaml, responses Acknowledged and ReceiverError (cronofy docs: " +
      "/developers/api/meeting-agents/callbacks: callbacks are HTTP POSTs; no retry policy published)",
  },
};
