// The `retention` option at work: a started inbox erases the contents of finished deliveries older than `maxAgeMs`
// (by the database's clock) every `intervalMs`, the first pass shortly after `start()`. Every started process runs
// its own passes and none needs to know of the others: a pass erases only rows not forgotten yet, in short batches
// (on PostgreSQL skipping rows another pass holds), so two passes at once split the work and a pass repeated changes
// nothing.
import type { Database, Queryable } from "./database/seam.js";
import { forgetExpired } from "./operations/forget.js";

export interface Retention {
  /** Contents of finished deliveries are erased once they are this old; 0 keeps them for ever. */
  maxAgeMs: number;
  /** How often a started inbox looks for them (default one hour). */
  intervalMs: number;
  /**
   * The app's own retention, run in each batch's transaction with the cutoff (epoch milliseconds by the database's
   * clock): it erases what its tables hold from before then and resolves with how many rows it erased (a pass goes on
   * while the log or the app still erase something).
   */
  alsoErase?: ((tx: Queryable, before: number) => Promise<number>) | undefined;
}

export interface RetentionOptions extends Retention {
  db: Database;
  log(message: string): void;
}

export interface RetentionRunner {
  start(): void;
  /** One whole pass now, whether started or not; resolves with how many rows it erased (0 when keeping for ever). */
  runOnce(): Promise<number>;
  /** Ends the timer and waits for a pass in progress to finish its batch. */
  stop(): Promise<void>;
}

/** The first pass waits this long at most: long enough for start-up to settle, short enough to matter on a deploy. */
const firstPassMs = 5_000;

export function createRetention(options: RetentionOptions): RetentionRunner {
  const { db, maxAgeMs, intervalMs, alsoErase, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let running: Promise<void> | undefined;

  /** Erases what is due, batch by batch, until a batch finds nothing (or the inbox stops). */
  async function pass(): Promise<number> {
    let erased = 0;
    while (!stopping && maxAgeMs > 0) {
      const n = await forgetExpired(db, maxAgeMs, alsoErase);
      if (n === 0) break;
      erased += n;
    }
    return erased;
  }

  function schedule(ms: number): void {
    if (stopping) return;
    timer = setTimeout(() => {
      running = pass().then(
        () => {},
        (error: Error) => {
          log(
            `erasing deliveries older than ${maxAgeMs} ms failed (the next pass tries again): ${error.message}`,
          );
        },
      );
      void running.finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
    }, ms);
    timer.unref();
  }

  return {
    start() {
      if (maxAgeMs > 0 && timer === undefined && !stopping) schedule(Math.min(intervalMs, firstPassMs));
    },
    runOnce: () => pass(),
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
