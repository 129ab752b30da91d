// How long a failed delivery waits before its next run: exponential from `initialMs`, capped at `maxMs`, with
// jitter so that the deliveries that failed together (a downstream outage) do not all come back together.
// "full": anywhere in [0, d]; "equal": in [d/2, d], never less than half the exponential wait.

export interface Backoff {
  initialMs: number;
  maxMs: number;
  jitter: "full" | "equal";
}

/** The wait after run `attempt` (1 the first) failed, in milliseconds. `random` is in [0, 1). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
  return backoff.jitter === "full" ? random() * exponential : exponential / 2 + (random() * exponential) / 2;
}
