// What an inbox tells an app about its work, for metrics (a Prometheus client's counters and histograms): each
// delivery stored or refused at receipt, and each run that ended as the worker recorded it. The callbacks run
// synchronously where it happens; a callback that throws (or returns a promise that rejects) never changes what the
// inbox does, and is logged once, not at every delivery.
import type { BodyError, SignatureError, UnavailableError } from "@meeting-webhooks/receive";
import type { Channel, Provider } from "@meeting-webhooks/types";
import type { Recorded } from "./worker.js";

/** A delivery stored (or found stored before: `duplicate`), once its commit is durable. */
export interface ReceivedFacts {
  provider: Provider;
  channel: Channel;
  status: "accepted" | "unknown" | "quarantined" | "duplicate";
  /** From the start of `receive()` to the durable commit (verification, parsing and the group commit's fsync). */
  ms: number;
}

/** A delivery answered 401 (`signature`), 400 (`body`) or 503 (`unavailable`: nothing was stored). */
export interface RefusedFacts {
  provider: Provider;
  /** The channel, when the route said it or the delivery was read far enough to tell. */
  channel?: Channel;
  stage: "signature" | "body" | "unavailable";
  code: (SignatureError | BodyError | UnavailableError)["code"];
}

/** Which delivery a run was, as the log keeps it. */
export interface RunFacts {
  provider: Provider;
  channel: Channel;
  /** The event name; null for a quarantined delivery that carries none. */
  event: string | null;
  /** Which run this was, 1 the first. */
  attempt: number;
}

/** A run succeeded and its success is committed: the delivery will not run again. */
export interface HandledFacts extends RunFacts {
  /** From its receipt to this commit, by the database's clock: how far behind the handlers are. */
  lagMs: number;
}

/** A run failed and that is committed: a handler threw, or its runs kept being cut short until its attempts were spent. */
export interface FailedFacts extends RunFacts {
  /** True when it runs again after the backoff; false when this was its last attempt (`dead` follows). */
  willRetry: boolean;
  /** What the log keeps as its last error. */
  error: string;
}

/** A delivery's attempts are spent: it left the queue and waits for a person (`retry(id)`). */
export interface DeadFacts extends RunFacts {
  error: string;
  /** From its receipt to this commit, by the database's clock. */
  lagMs: number;
}

/** The `observer` option: every callback optional, each called synchronously and never allowed to break the inbox. */
export interface InboxObserver {
  received?(facts: ReceivedFacts): void;
  refused?(facts: RefusedFacts): void;
  handled?(facts: HandledFacts): void;
  failed?(facts: FailedFacts): void;
  dead?(facts: DeadFacts): void;
}

export type Observe = Required<InboxObserver>;

export const observerCallbacks = ["received", "refused", "handled", "failed", "dead"] as const;

/** The observer with every callback present and guarded: an exception (or a rejection) is logged, once per callback. */
export function guardObserver(observer: InboxObserver, log: (message: string) => void): Observe {
  const reported = new Set<string>();
  const report = (name: string, error: unknown) => {
    if (reported.has(name)) return;
    reported.add(name);
    log(
      `observer.${name} threw: ${error instanceof Error ? error.message : String(error)} (the inbox carries on; ` +
        `later errors of observer.${name} are not logged)`,
    );
  };
  const guard =
    <F>(name: (typeof observerCallbacks)[number]) =>
    (facts: F) => {
      const callback = observer[name] as ((facts: F) => unknown) | undefined;
      if (!callback) return;
      try {
        const result = callback.call(observer, facts);
        if (result instanceof Promise) result.catch((error: unknown) => report(name, error));
      } catch (error) {
        report(name, error);
      }
    };
  return {
    received: guard<ReceivedFacts>("received"),
    refused: guard<RefusedFacts>("refused"),
    handled: guard<HandledFacts>("handled"),
    failed: guard<FailedFacts>("failed"),
    dead: guard<DeadFacts>("dead"),
  };
}

/** Tells the observer how the runs of one record commit ended: a failed run that was the last is `failed`, then `dead`. */
export function reportRuns(observe: Observe, runs: readonly Recorded[]): void {
  for (const { delivery, settlement, event, lagMs } of runs) {
    // Stored from what `parse` said: a provider and channel it knows.
    const run = {
      provider: delivery.provider as Provider,
      channel: delivery.channel as Channel,
      event,
      attempt: delivery.attempt,
    };
    if (settlement.kind === "handled") {
      observe.handled({ ...run, lagMs });
      continue;
    }
    observe.failed({ ...run, willRetry: settlement.kind === "retry", error: settlement.error });
    if (settlement.kind === "dead") observe.dead({ ...run, error: settlement.error, lagMs });
  }
}
