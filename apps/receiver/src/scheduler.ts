// The worker loop: claim pending deliveries under a lease, apply each batch in one transaction (the projection,
// then the marks), and download what the batch queued. It wakes when deliveries are committed (in-process, or
// LISTEN/NOTIFY across processes) and polls once a second for expired leases and due download retries.
import type { Downloader } from "./downloads.js";
import type { OperationsRecorder } from "./operations.js";
import { prepareProjection } from "./projection.js";
import type { Storage } from "./storage/types.js";

export interface SchedulerOptions {
  /** This worker's name in claims (`host:pid`). */
  worker: string;
  cronofyApiKey: string | undefined;
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  /**
   * A pass starts at most this often after the previous one (0: at once). Under load deliveries gather meanwhile, so
   * each transaction applies many instead of a few: its fixed cost (claim, locks, state) is shared.
   */
  gatherMs: number;
}

export class Scheduler {
  private running = false;
  private again = false;
  private stopped = true;
  private closing = false;
  private listening = false;
  private timer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Timeout | undefined;
  private lastPass = 0;
  private readonly inflight = new Set<Promise<void>>();
  /** The last processing error, for logs and tests. */
  lastError: unknown;

  constructor(
    private readonly storage: Storage,
    private readonly downloader: Downloader,
    private readonly options: SchedulerOptions,
    private readonly operations: OperationsRecorder | undefined,
    private readonly log: (message: string) => void = () => {},
  ) {}

  start(): void {
    // Only a started worker listens (on PostgreSQL a LISTEN connection): an ingest replica has nothing to wake.
    if (!this.listening) this.storage.onPending(() => this.kick());
    this.listening = true;
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.gathering) clearTimeout(this.gathering);
    await Promise.allSettled([...this.inflight]);
  }

  /** Ask for a pass soon (coalesced: at most one runs, and one more is remembered). */
  kick(): void {
    if (this.stopped || this.gathering) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastPass + this.options.gatherMs - Date.now();
    if (wait > 0) {
      this.gathering = setTimeout(() => {
        this.gathering = undefined;
        this.kick();
      }, wait);
      this.gathering.unref();
      return;
    }
    this.lastPass = Date.now();
    this.running = true;
    const pass = this.pass()
      .catch((error) => {
        this.lastError = error;
        this.log(`processing failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = false;
        this.inflight.delete(pass);
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
    this.inflight.add(pass);
  }

  /** A download retry falls due in `ms`. */
  wakeAfter(ms: number): void {
    setTimeout(() => this.kick(), ms).unref();
  }

  /** Process until nothing is pending and no download is due now (tests and shutdown). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await Promise.allSettled([...this.inflight]);
      await this.pass();
      if ((await this.storage.pendingCount()) === 0 && (await this.storage.dueDownloads()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Batches until one comes back short (the rest arrives while the next pass gathers), yielding to the event loop
   * between them, then the downloads.
   */
  private async pass(): Promise<void> {
    for (;;) {
      const batch = await this.storage.claim(
        this.options.worker,
        this.options.batchSize,
        this.options.leaseMs,
      );
      if (batch.length === 0) break;
      const short = batch.length < this.options.batchSize;
      const outcome = await this.storage.applyBatch(this.options.worker, batch, (deliveries) =>
        prepareProjection(deliveries, { cronofyApiKey: this.options.cronofyApiKey }),
      );
      const now = Date.now();
      for (const d of outcome.applied) this.operations?.lag(now - Date.parse(d.receivedAt));
      if (outcome.applied.length > 0) this.operations?.count("processed", outcome.applied.length);
      if (short && outcome.deferred === 0) break;
      if (outcome.deferred > 0 && outcome.applied.length === 0) {
        // Everything waits for another worker's earlier delivery of the same meeting: give it a moment.
        await new Promise((resolve) => setTimeout(resolve, 20));
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (this.closing) return;
    }
    await this.downloader.runDue();
  }
}
