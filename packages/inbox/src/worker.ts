// The worker: runs up to `concurrency` handlers at once and records how each run ended through one group commit,
// then says what that commit recorded; extends the leases of what it holds (the heartbeat); sleeps until woken (a
// delivery stored here or, on PostgreSQL, in another process; a run ending) or `pollIntervalMs` passed.
//
// Off the path of a run: a handler's slot is free again as soon as it settles (its record joins the next group
// commit, which the next delivery of the same subject waits for, as it stays queued until then), and deliveries are
// claimed ahead, up to `concurrency` more than are running, and claimed again once those are used up. A claim costs
// its round trips once per batch instead of once per run, and a free slot starts the next delivery at once. Claimed
// ahead means leased: the heartbeat extends those leases too, and `stop()` gives back what it had not started.
import { groupCommit } from "./batcher.js";
import type { Database } from "./database/seam.js";
import { type ClaimedDelivery, claim } from "./operations/claim.js";
import { complete, type Finished } from "./operations/complete.js";
import { extendLeases } from "./operations/extend-lease.js";
import { bury, reschedule } from "./operations/fail.js";
import { release } from "./operations/release.js";
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
  /** Handlers running now: at most `concurrency`. */
  const running = new Map<number, Promise<void>>();
  /** Claimed ahead, in claim order, not started. */
  let ahead: ClaimedDelivery[] = [];
  /** Settled, their end not yet committed. */
  const recording = new Map<number, Promise<void>>();
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
    { maxBatch: 500, inFlight: 1 },
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
    const done = (async (): Promise<Settlement> => {
      try {
        return await options.run(delivery);
      } catch (error) {
        return { kind: "retry", delayMs: 0, error: `running it failed: ${(error as Error).message}` };
      }
    })().then((settlement) => {
      running.delete(delivery.id);
      const recorded = record.add({ delivery, settlement }).catch((error: Error) => {
        // Not recorded: the lease runs out and the delivery runs again (at least once).
        options.log(`recording how delivery ${delivery.id} ended failed: ${error.message}`);
      });
      recording.set(delivery.id, recorded);
      void recorded.finally(() => {
        recording.delete(delivery.id);
        // Committed: its meeting's next delivery may be claimed now, not at the next poll.
        wake();
      });
      startAhead();
      wake();
    });
    running.set(delivery.id, done);
  }

  /** Starts deliveries claimed ahead while slots are free. */
  function startAhead(): void {
    while (!stopping && ahead.length > 0 && running.size < concurrency)
      launch(ahead.shift() as ClaimedDelivery);
  }

  async function claimLoop(): Promise<void> {
    while (!stopping) {
      woken = false;
      startAhead();
      // Held: running or claimed ahead. Claim again once at most `concurrency` are held, up to twice that.
      const held = running.size + ahead.length;
      const room = 2 * concurrency - held;
      if (held <= concurrency) {
        try {
          const claimed = await claim(db, owner, room, leaseMs);
          ahead.push(...claimed);
          startAhead();
          if (claimed.length === room) continue; // the queue may hold more: claim again once room is made
        } catch (error) {
          options.log(`claiming deliveries failed: ${(error as Error).message}`);
        }
      }
      await sleep(options.pollIntervalMs);
    }
  }

  async function beat(): Promise<void> {
    const ids = [...running.keys(), ...ahead.map((delivery) => delivery.id), ...recording.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await extendLeases(db, owner, ids, leaseMs));
      const lost = ids.filter((id) => !held.has(id) && (running.has(id) || ahead.some((d) => d.id === id)));
      // One claimed ahead whose lease passed to another worker is that worker's to run now.
      const asked = new Set(ids);
      ahead = ahead.filter((delivery) => held.has(delivery.id) || !asked.has(delivery.id));
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
      const unstarted = ahead.map((delivery) => delivery.id);
      ahead = [];
      await release(db, owner, unstarted).catch((error: Error) => {
        // Not given back: their leases run out and they run then, their claim counted as a run.
        options.log(`giving back ${unstarted.length} unstarted deliveries failed: ${error.message}`);
      });
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...running.values()]).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), options.stopTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      await Promise.allSettled([...recording.values()]);
      clearInterval(heartbeat);
      if (!finished)
        options.log(
          `${running.size} handler(s) still running after ${options.stopTimeoutMs} ms: their deliveries run again once their leases run out`,
        );
      await record.flush();
    },
  };
}
