// The worker: claims as many deliveries as it has room for (`concurrency`), runs each, and records how each run
// ended through one group commit, then says what that commit recorded; extends the leases of what it is running
// (the heartbeat); sleeps until woken (a delivery stored here or, on PostgreSQL, in another process; a run ending)
// or `pollIntervalMs` passed.
import { groupCommit } from "./batcher.js";
import type { Database } from "./database/seam.js";
import { type ClaimedDelivery, claim } from "./operations/claim.js";
import { complete, type Finished } from "./operations/complete.js";
import { extendLeases } from "./operations/extend-lease.js";
import { bury, reschedule } from "./operations/fail.js";
import type { Settlement } from "./run.js";

export interface WorkerOptions {
  db: Database;
  /** This worker in lease rows: unique per process and inbox. */
  owner: string;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  stopTimeoutMs: number;
  run(delivery: ClaimedDelivery): Promise<Settlement>;
  /** After each commit: the runs it recorded (not those whose lease had passed to another worker, nor a repeat). */
  recorded(runs: readonly Recorded[]): void;
  log(message: string): void;
}

/** A run's end as committed, with what the log adds (the event, the time since receipt). */
export interface Recorded extends Omit<Finished, "id"> {
  delivery: ClaimedDelivery;
  settlement: Settlement;
}

export interface Worker {
  start(): void;
  /** Something may be waiting: claim now instead of at the next poll. */
  wake(): void;
  /** Stops claiming and waits for the running handlers, `stopTimeoutMs` at most. */
  stop(): Promise<void>;
}

interface Ended {
  delivery: ClaimedDelivery;
  settlement: Settlement;
}

export function createWorker(options: WorkerOptions): Worker {
  const { db, owner, concurrency, leaseMs } = options;
  const running = new Map<number, Promise<void>>();
  let started = false;
  let stopping = false;
  let woken = false;
  let sleeper: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();
  let heartbeat: NodeJS.Timeout | undefined;

  const record = groupCommit<Ended, void>(
    async (ended) => {
      const recorded = await db.transaction(async (tx) => {
        const now = db.dialect.now;
        const handled = await complete(
          tx,
          now,
          ended.filter((e) => e.settlement.kind === "handled").map((e) => e.delivery.id),
        );
        const finished = new Map<number, Finished | undefined>(handled.map((row) => [row.id, row]));
        for (const { delivery, settlement } of ended) {
          const failure = { id: delivery.id, owner };
          if (settlement.kind === "retry")
            finished.set(delivery.id, await reschedule(tx, now, { ...failure, ...settlement }));
          else if (settlement.kind === "dead")
            finished.set(delivery.id, await bury(tx, now, { ...failure, error: settlement.error }));
        }
        return ended.flatMap(({ delivery, settlement }): Recorded[] => {
          const row = finished.get(delivery.id);
          if (!row) return [];
          return [{ delivery, settlement, event: row.event, lagMs: row.lagMs }];
        });
      });
      options.recorded(recorded);
      return ended.map(() => undefined);
    },
    { maxBatch: 500, inFlight: db.dialect.commitsInFlight },
  );

  function wake(): void {
    woken = true;
    sleeper?.();
  }

  function sleep(ms: number): Promise<void> {
    if (woken || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeper = undefined;
        resolve();
      }
      sleeper = done;
    });
  }

  function launch(delivery: ClaimedDelivery): void {
    const done = (async () => {
      let settlement: Settlement;
      try {
        settlement = await options.run(delivery);
      } catch (error) {
        settlement = { kind: "retry", delayMs: 0, error: `running it failed: ${(error as Error).message}` };
      }
      try {
        await record.add({ delivery, settlement });
      } catch (error) {
        // Not recorded: the lease runs out and the delivery runs again (at least once).
        options.log(`recording how delivery ${delivery.id} ended failed: ${(error as Error).message}`);
      }
    })().finally(() => {
      running.delete(delivery.id);
      wake();
    });
    running.set(delivery.id, done);
  }

  async function claimLoop(): Promise<void> {
    while (!stopping) {
      woken = false;
      const room = concurrency - running.size;
      if (room > 0) {
        try {
          const claimed = await claim(db, owner, room, leaseMs);
          for (const delivery of claimed) launch(delivery);
          if (claimed.length === room) continue; // the room is full: claim again once a run ends
        } catch (error) {
          options.log(`claiming deliveries failed: ${(error as Error).message}`);
        }
      }
      await sleep(options.pollIntervalMs);
    }
  }

  async function beat(): Promise<void> {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await extendLeases(db, owner, ids, leaseMs));
      const lost = ids.filter((id) => !held.has(id) && running.has(id));
      if (lost.length > 0)
        options.log(`lost the lease of deliveries ${lost.join(", ")}: another worker may run them again`);
    } catch (error) {
      options.log(`extending leases failed: ${(error as Error).message}`);
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      heartbeat = setInterval(() => void beat(), Math.max(10, Math.floor(leaseMs / 3)));
      heartbeat.unref();
      loop = claimLoop();
    },
    wake,
    async stop() {
      stopping = true;
      sleeper?.();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...running.values()]).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), options.stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      clearInterval(heartbeat);
      if (!finished)
        options.log(
          `${running.size} handler(s) still running after ${options.stopTimeoutMs} ms: their deliveries run again once their leases run out`,
        );
      await record.flush();
    },
  };
}
