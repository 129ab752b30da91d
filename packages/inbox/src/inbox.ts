// createInbox: a WebhookReceiver that stores every authentic delivery durably before answering (group commit, log
// row and queue row in one transaction), then runs the same handlers from the queue with `start()`. Mounted with the
// same adapters as a webhooks object: moving from handling in the request to the inbox is one line and `start()`.
// It tells its observer what it did, and erases what old deliveries said when asked to (`forget`, `retention`).
import type { ReceiveOptions, ReceiveResult, WebhookReceiver } from "@meeting-webhooks/receive";
import { groupCommit } from "./batcher.js";
import { databaseTarget, openEngine } from "./database/open.js";
import type { Database } from "./database/seam.js";
import { guardObserver, reportRuns } from "./observer.js";
import { type ForgetFilter, type ForgetOptions, forget } from "./operations/forget.js";
import {
  countDeliveries,
  type DeliveryDetail,
  type DeliveryFilter,
  type DeliveryRecord,
  getDelivery,
  type InboxCounts,
  idOf,
  listDeliveries,
  queueLength,
} from "./operations/read.js";
import { retry } from "./operations/retry.js";
import { type NewDelivery, type Stored, storeDeliveries } from "./operations/store.js";
import { InboxConfigError, type InboxOptions, settingsOf } from "./options.js";
import { deliveryOf, isAuthentic, storedResult } from "./record.js";
import { createRetention } from "./retention.js";
import { runDelivery } from "./run.js";
import { createWorker } from "./worker.js";

export interface Inbox extends WebhookReceiver {
  /**
   * Verify, parse and validate; store an authentic delivery durably (a duplicate key once) and answer 202 with its
   * `deliveryId`; refusals of signature or body as they are (401, 400, nothing stored); 503 with `Retry-After` when
   * the database does not answer. Never throws; no handler runs here.
   */
  receive(options: ReceiveOptions): Promise<ReceiveResult>;
  /** Run the handlers from the queue in this process (idempotent). Without it, this process only stores. */
  start(): Promise<void>;
  /** Stop claiming, let running handlers finish (`stopTimeoutMs` at most), commit what is pending, close. */
  stop(): Promise<void>;
  /** Resolves once the queue is empty (every delivery handled or dead); rejects after `timeoutMs` (default 30 s). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Deliveries newest first, with their state; filter by state, status, provider, event or subject, page with `before`. */
  deliveries(filter?: DeliveryFilter): Promise<DeliveryRecord[]>;
  /** One delivery with its stored headers and raw body (null once forgotten: `forgotten` says when and why), or undefined. */
  delivery(id: string): Promise<DeliveryDetail | undefined>;
  /** The queue's states and the deliveries waiting for a person; reads the queue and two small indexes, not the log. */
  counts(): Promise<InboxCounts>;
  /** Re-queue a dead delivery (or run a retrying one now); false when it is handled, running, forgotten or unknown. */
  retry(id: string): Promise<boolean>;
  /**
   * Erase what deliveries said: blanks the body, headers, issues, drift and last error of the handled and dead
   * deliveries that match every field given (received `before`, of a `subject`, these `ids`), in one transaction, and
   * resolves with how many it blanked. A delivery still queued, running or retrying is left as it is (a subject's
   * pending deliveries too: erase again once they are done). The row stays, so a late retry of a forgotten delivery is
   * still answered as a duplicate and never handled again. Throws on an empty filter. `options.whenPending:
   * "refuse"` erases nothing while a matching delivery is pending (rejects with `ForgetRefused`);
   * `options.alsoErase(tx)` erases the app's own rows in the same transaction.
   */
  forget(filter: ForgetFilter, options?: ForgetOptions): Promise<number>;
  /**
   * One retention pass now (the `retention` option's, with its `alsoErase`), started or not: for tests and scripts.
   * Resolves with how many rows it erased; 0 without retention.
   */
  runRetention(): Promise<number>;
  /**
   * The inbox's open database, for an app's own tables beside the log (`@meeting-webhooks/inbox/database`: `migrate`
   * them from numbered files, then `query` and `transaction`). On SQLite it is the one connection of this process,
   * whose transactions run one at a time: keep network calls out of them.
   */
  readonly database: Database;
}

/** Opens (and migrates) the database and returns the inbox; throws `InboxConfigError` for unusable options. */
export async function createInbox(options: InboxOptions): Promise<Inbox> {
  const settings = settingsOf(options);
  try {
    databaseTarget(settings.database);
  } catch (error) {
    throw new InboxConfigError("invalid_database", "/database", (error as Error).message);
  }
  const { webhooks, log } = settings;
  const observe = guardObserver(settings.observer, log);
  const { db, wakeups } = await openEngine(settings.database, { poolSize: settings.poolSize, log });
  const store = groupCommit<NewDelivery, Stored>(
    async (batch) => {
      const stored = await storeDeliveries(db, batch);
      wakeups.notify();
      return stored;
    },
    { maxBatch: 200, inFlight: db.dialect.commitsInFlight },
  );
  const worker = createWorker({
    db,
    owner: settings.workerId,
    concurrency: settings.concurrency,
    leaseMs: settings.leaseMs,
    pollIntervalMs: settings.pollIntervalMs,
    stopTimeoutMs: settings.stopTimeoutMs,
    run: (delivery) => runDelivery(webhooks, delivery, settings),
    recorded: (runs) => reportRuns(observe, runs),
    log,
  });
  const retention = createRetention({ db, ...settings.retention, log });
  let closing: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;

  const unavailable = ({ provider, channel }: NewDelivery, message: string): ReceiveResult => {
    observe.refused({ provider, channel, stage: "unavailable", code: "storage_unavailable" });
    return {
      ok: false,
      error: {
        stage: "unavailable",
        code: "storage_unavailable",
        message,
        retryAfterSeconds: settings.retryAfterSeconds,
      },
    };
  };

  return {
    providers: webhooks.providers,
    database: db,
    async receive(request) {
      const started = performance.now();
      const parsed = webhooks.parse(request);
      if (!isAuthentic(parsed)) {
        const { error } = parsed;
        // Always true here (isAuthentic kept envelope and schema refusals); it narrows the code.
        if (error.stage === "signature" || error.stage === "body")
          observe.refused({
            provider: request.provider,
            ...(request.channel ? { channel: request.channel } : {}),
            stage: error.stage,
            code: error.code,
          });
        return parsed;
      }
      const delivery = deliveryOf(parsed, request.body, request.headers);
      if (closing)
        return unavailable(
          delivery,
          "The inbox is stopped: the delivery was not stored. Send it again later.",
        );
      try {
        const stored = await store.add(delivery);
        observe.received({
          provider: delivery.provider,
          channel: delivery.channel,
          status: stored.duplicate ? "duplicate" : delivery.status,
          ms: performance.now() - started,
        });
        return storedResult(parsed, stored);
      } catch (error) {
        log(`storing a delivery failed: ${(error as Error).message}`);
        return unavailable(
          delivery,
          "The inbox's database did not store the delivery (it does not answer, or the write failed). Send it again later.",
        );
      }
    },
    async start() {
      if (closing) throw new Error("This inbox was stopped; create another one.");
      unsubscribe ??= wakeups.subscribe(() => worker.wake());
      worker.start();
      retention.start();
    },
    stop() {
      closing ??= (async () => {
        await retention.stop();
        await worker.stop();
        await store.flush();
        unsubscribe?.();
        await wakeups.close();
        await db.close();
      })();
      return closing;
    },
    async drain({ timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while ((await queueLength(db)) > 0) {
        if (Date.now() > deadline) {
          const counts = await countDeliveries(db);
          throw new Error(`The queue did not drain in ${timeoutMs} ms: ${JSON.stringify(counts)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    deliveries: (filter) => listDeliveries(db, filter),
    delivery: (id) => getDelivery(db, id),
    counts: () => countDeliveries(db),
    async retry(id) {
      const key = idOf(id);
      if (key === undefined) return false;
      const requeued = await retry(db, key);
      if (requeued) wakeups.notify();
      return requeued;
    },
    forget: (filter, forgetOptions) => forget(db, filter, forgetOptions),
    runRetention: () => retention.runOnce(),
  };
}
