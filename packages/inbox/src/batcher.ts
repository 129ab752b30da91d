// Group commit, the one batcher for every write that many callers make at once (storing deliveries, recording how
// runs ended): what arrives in the same turn of the event loop, or while earlier commits are in flight, shares one
// transaction and so one fsync. Each caller's promise settles with its own result once that transaction committed.

export interface Batcher<I, O> {
  /** Joins the next commit; resolves with this item's result after it, rejects if it failed. */
  add(item: I): Promise<O>;
  /** Resolves when everything added so far has been committed (or has failed). */
  flush(): Promise<void>;
}

export interface BatcherOptions {
  /** Items per transaction, at most. */
  maxBatch: number;
  /** Commits in flight at once: while one waits for its fsync, the next one fills. */
  inFlight: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

export function groupCommit<I, O>(
  commit: (items: I[]) => Promise<O[]>,
  { maxBatch, inFlight }: BatcherOptions,
): Batcher<I, O> {
  let waiting: Waiting<I, O>[] = [];
  const running = new Set<Promise<void>>();
  let scheduled = false;

  function schedule(): void {
    if (scheduled || waiting.length === 0 || running.size >= inFlight) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      commitNext();
    });
  }

  function commitNext(): void {
    if (waiting.length === 0 || running.size >= inFlight) return;
    const batch = waiting.slice(0, maxBatch);
    waiting = waiting.slice(batch.length);
    const done = (async () => {
      try {
        const results = await commit(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    })();
    running.add(done);
    void done.finally(() => {
      running.delete(done);
      schedule();
    });
    schedule();
  }

  return {
    add: (item) =>
      new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      }),
    async flush() {
      while (waiting.length > 0 || running.size > 0) {
        commitNext();
        await Promise.race(running);
      }
    },
  };
}
