// What each process did, minute by minute, for the operations view: ingest outcomes, deliveries processed and the
// lag from the 2xx to the meeting being updated, and requests refused by code. Counted in memory and written every
// few seconds in one transaction; reads add what this process has not written yet, so a count is never late here.
import type { Database } from "@meeting-webhooks/inbox/database";
import { recordOperations } from "./read-model/operations.js";

/** The q-quantile of ascending samples (nearest rank); 0 for none. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

export class OperationsRecorder {
  private counts = new Map<string, number>();
  private lags = new Map<string, number[]>();
  private refusals = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    readonly process: string,
    readonly role: "ingest" | "worker",
  ) {}

  count(outcome: string, n = 1): void {
    const key = `${minute()}|${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  refused(code: string): void {
    this.count("rejected");
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  /** Refusals counted here and not written yet. */
  pendingRefusals(): ReadonlyMap<string, number> {
    return this.refusals;
  }

  lag(ms: number): void {
    const m = minute();
    let samples = this.lags.get(m);
    if (!samples) {
      samples = [];
      this.lags.set(m, samples);
      for (const old of this.lags.keys()) if (old < m) this.lags.delete(old);
    }
    if (samples.length < 100_000) samples.push(ms);
  }

  start(everyMs = 5000): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), everyMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    const counts = this.counts;
    const refusals = this.refusals;
    if (counts.size === 0 && refusals.size === 0) return;
    this.counts = new Map();
    this.refusals = new Map();
    const rows = [...counts].map(([key, count]) => {
      const [m, outcome] = key.split("|") as [string, string];
      const samples = outcome === "processed" ? this.lags.get(m) : undefined;
      const sorted = samples ? [...samples].sort((a, b) => a - b) : undefined;
      return { minute: m, outcome, count, lagP99Ms: sorted ? percentile(sorted, 0.99) : null };
    });
    try {
      await recordOperations(this.db, this.process, this.role, rows, [...refusals]);
    } catch (error) {
      // Kept for the next flush: a database outage loses no count.
      for (const [key, n] of counts) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
      for (const [code, n] of refusals) this.refusals.set(code, (this.refusals.get(code) ?? 0) + n);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}

/** The current minute, `2026-12-03T08:15` (UTC). */
function minute(): string {
  return new Date().toISOString().slice(0, 16);
}
