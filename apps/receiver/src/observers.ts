// The inbox takes one `observer`; the receiver has several listeners (its metrics, and whatever a caller of
// buildReceiver passes). `fanOut` makes one observer of many so that each hears every fact, and one that throws does
// not keep the others from hearing it.
import type { InboxObserver } from "@meeting-webhooks/inbox";

const callbacks = ["received", "refused", "handled", "failed", "dead"] as const;

/**
 * One observer that calls each given observer's callback in turn. Every observer is called even when an earlier one
 * throws; the first error is thrown afterwards, so that the inbox logs it (once) as it does for a single observer.
 */
export function fanOut(...observers: (InboxObserver | undefined)[]): InboxObserver {
  const present = observers.filter((observer): observer is InboxObserver => observer !== undefined);
  const fanned: InboxObserver = {};
  for (const name of callbacks) {
    const listeners = present.filter((observer) => typeof observer[name] === "function");
    if (listeners.length === 0) continue;
    fanned[name] = (facts: never) => {
      let failure: { error: unknown } | undefined;
      for (const observer of listeners) {
        try {
          (observer[name] as (facts: never) => void).call(observer, facts);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    };
  }
  return fanned;
}
