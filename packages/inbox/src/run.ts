// One run of a claimed delivery: hand the stored body to `webhooks.dispatch` (which checks it against the contract
// again and runs the same handlers as in a request) and decide how the run ends. Handlers that ran, and a stored
// body that went to `onError` (quarantined, or no longer meeting the contract: a retry would not mend it), are
// handled; a handler that threw is retried after the backoff, or is dead once its attempts are spent.
import type { DispatchResult, MeetingWebhooks } from "@meeting-webhooks/receive";
import { isChannel, isProvider } from "@meeting-webhooks/specs/providers";
import { type Backoff, backoffDelay } from "./backoff.js";
import type { ClaimedDelivery } from "./operations/claim.js";

export type Settlement =
  | { kind: "handled" }
  | { kind: "retry"; delayMs: number; error: string }
  | { kind: "dead"; error: string };

export interface RunPolicy {
  maxAttempts: number;
  backoff: Backoff;
}

/** What the log keeps of a failed run: the message and the first handler's stack, bounded. */
function describe(result: Extract<DispatchResult, { ok: false }>): string {
  const [first] = result.error.stage === "handler" ? result.error.errors : [];
  const stack = first instanceof Error && first.stack ? `\n${first.stack}` : "";
  return `${result.error.message}${stack}`.slice(0, 4000);
}

export async function runDelivery(
  webhooks: Pick<MeetingWebhooks, "dispatch">,
  claimed: ClaimedDelivery,
  policy: RunPolicy,
): Promise<Settlement> {
  if (claimed.attempt > policy.maxAttempts) {
    return {
      kind: "dead",
      error: `Its last run never finished (the process stopped or its lease ran out ${policy.maxAttempts} times).`,
    };
  }
  const { provider, channel } = claimed;
  if (!isProvider(provider) || !isChannel(channel)) {
    return { kind: "dead", error: `Stored as ${provider}/${channel}, which this inbox does not know.` };
  }
  const text = claimed.body.toString("utf8");
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = text; // dispatch refuses it (not an object) and hands it to onError
  }
  const result = await webhooks.dispatch({
    provider,
    channel,
    payload,
    deliveryKey: claimed.deliveryKey,
    deliveryId: String(claimed.id),
    attempt: claimed.attempt,
    receivedAt: new Date(claimed.receivedAt).toISOString(),
  });
  if (result.ok || result.error.stage !== "handler") return { kind: "handled" };
  const error = describe(result);
  return claimed.attempt >= policy.maxAttempts
    ? { kind: "dead", error }
    : { kind: "retry", delayMs: backoffDelay(claimed.attempt, policy.backoff), error };
}
