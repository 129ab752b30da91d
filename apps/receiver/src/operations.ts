// What each process did, minute by minute, for the operations view: ingest outcomes, deliveries processed and the
// lag from the 2xx to the meeting being updated. Counted in memory and written every few seconds.
import { percentile, type Storage } from "./storage/types.js";

export class OperationsRecorder {
  private counts = new Map<string, number>();
  private lags = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    readonly process: string,
    readonly role: "ingest" | "worker",
  ) {}

  count(outcome: string, n = 1): void {
    const key = `${minute()}|${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
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
    if (counts.size === 0) return;
    this.counts = new Map();
    const rows = [...counts].map(([key, count]) => {
      const [m, outcome] = key.split("|") as [string, string];
      const samples = outcome === "processed" ? this.lags.get(m) : undefined;
      const sorted = samples ? [...samples].sort((a, b) => a - b) : undefined;
      return { minute: m, outcome, count, lagP99Ms: sorted ? percentile(sorted, 0.99) : null };
    });
    try {
      await this.storage.recordOperations(this.process, this.role, rows);
    } catch (error) {
      for (const [key, n] of counts) this.counts.set(key, (this.counts.get(key) ?? 0) + n); // next time
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
