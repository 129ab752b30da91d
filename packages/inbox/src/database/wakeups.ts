// Wake-ups: a worker sleeps until a delivery may be waiting. In this process, storing one wakes the worker at once;
// across processes (PostgreSQL), a NOTIFY after the commit wakes the others' workers, which LISTEN on a connection of
// their own. Polling (`pollIntervalMs`) stays as the floor: a lost notification delays a delivery, never loses it.
import type pg from "pg";
import { quoteIdentifier } from "./postgres.js";

export interface Wakeups {
  /** Something was stored or re-queued: wake this process's worker now and the others' soon. */
  notify(): void;
  /** Calls `listener` on every wake-up; returns how to stop. Starts listening to other processes on first use. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

/** In this process only: SQLite's one process, and the local half of PostgreSQL's. */
export function localWakeups(): Wakeups {
  const listeners = new Set<() => void>();
  return {
    notify: () => {
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => listeners.clear(),
  };
}

/**
 * Other processes are woken at most this often. The first delivery after a quiet spell wakes them at once; under load
 * their workers are busy claiming anyway, and each NOTIFY is a commit that slowed the group commits around it (the
 * bench: ingest at 0.7-0.85x of no NOTIFY with one per 25 ms).
 */
const intervalMs = 200;

export interface PostgresWakeupOptions {
  url: string;
  schema: string;
  /** Sends the NOTIFY (on the inbox's pool). */
  send(channel: string): Promise<unknown>;
  onError(message: string): void;
}

export function postgresWakeups(options: PostgresWakeupOptions): Wakeups {
  const local = localWakeups();
  const channel = `meeting_webhooks_inbox.${options.schema}`;
  let listener: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let sending = false;
  let sendAgain = false;

  function send(): void {
    if (sending) {
      sendAgain = true;
      return;
    }
    sending = true;
    sendAgain = false;
    const started = Date.now();
    options
      .send(channel)
      .catch((error: Error) => options.onError(`waking other processes failed: ${error.message}`))
      .finally(() => {
        setTimeout(
          () => {
            sending = false;
            if (sendAgain && !closed) send();
          },
          Math.max(0, started + intervalMs - Date.now()),
        ).unref();
      });
  }

  /** LISTEN on a connection of its own; after losing it, again a second later. */
  async function listen(): Promise<void> {
    if (closed) return;
    const { default: driver } = await import("pg");
    const client = new driver.Client({ connectionString: options.url, connectionTimeoutMillis: 3000 });
    listener = client;
    const again = () => {
      if (listener !== client || closed) return;
      listener = undefined;
      client.end().catch(() => {});
      setTimeout(() => void listen(), 1000).unref();
    };
    client.on("error", again);
    client.on("end", again);
    client.on("notification", () => local.notify());
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      local.notify(); // whatever was stored while not listening
    } catch (error) {
      options.onError(`listening for other processes' deliveries failed: ${(error as Error).message}`);
      again();
    }
  }

  return {
    notify() {
      local.notify();
      if (!closed) send();
    },
    subscribe(callback) {
      if (!listening) {
        listening = true;
        void listen();
      }
      return local.subscribe(callback);
    },
    async close() {
      closed = true;
      const client = listener;
      listener = undefined;
      await local.close();
      await client?.end().catch(() => {});
    },
  };
}
