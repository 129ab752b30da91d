// The `retention` option at work: a started inbox erases the contents of finished deliveries older than `maxAgeMs`
// (by the database's clock) every `intervalMs`, the first pass shortly after `start()`. Every started process runs
// its own passes and none needs to know of the others: a pass erases only rows not forgotten yet, in short batches
// (on PostgreSQL skipping rows another pass holds), so two passes at once split the work and a pass repeated changes
// nothing.
import type { Database } from "./database/seam.js";
import { forgetExpired } from "./operations/forget.js";

export interface Retention {
  /** Contents of finished deliveries are erased once they are this old; 0 keeps them for ever. */
  maxAgeMs: number;
  /** How often a started inbox looks for them (default one hour). */
  intervalMs: number;
}

export interface RetentionOptions extends Retention {
  db: Database;
  log(message: string): void;
}

export interface RetentionRunner {
  start(): void;
  /** Ends the timer and waits for a pass in progress to finish its batch. */
  stop(): Promise<void>;
}

/** The first pass waits this long at most: long enough for start-up to settle, short enough to matter on a deploy. */
const firstPassMs = 5_000;

export function createRetention(options: RetentionOptions): RetentionRunner {
  const { db, maxAgeMs, intervalMs, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let running: Promise<void> | undefined;

  /** Erases what is due, batch by batch, until a batch finds nothing (or the inbox stops). */
  async function pass(): Promise<void> {
    while (!stopping) {
      if ((await forgetExpired(db, maxAgeMs)) === 0) return;
    }
  }

  function schedule(ms: number): void {
    if (stopping) return;
    timer = setTimeout(() => {
      running = pass().catch((error: Error) => {
        log(
          `erasing deliveries older than ${maxAgeMs} ms failed (the next pass tries again): ${error.message}`,
        );
      });
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
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
