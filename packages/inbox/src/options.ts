// The inbox's options, their defaults, and the checks that fail at start-up (with the option's pointer) instead of
// as odd behaviour later.
import { hostname } from "node:os";
import type { MeetingWebhooks } from "@meeting-webhooks/receive";
import type { Backoff } from "./backoff.js";
import type { Queryable } from "./database/seam.js";
import { type InboxObserver, observerCallbacks } from "./observer.js";
import type { Retention } from "./retention.js";

export interface InboxOptions {
  /** The webhooks object whose handlers run: `parse` at receipt, `dispatch` from the queue. */
  webhooks: Pick<MeetingWebhooks, "parse" | "dispatch" | "providers">;
  /** A SQLite file path, or a `postgres://` / `postgresql://` URL (`?schema=name`, default `public`). */
  database: string;
  /** Handlers running at once in this process (default 4). */
  concurrency?: number;
  /** Runs of a delivery before it is dead (default 10). */
  maxAttempts?: number;
  /** The wait before a failed delivery's next run (defaults: 1 s doubling to 1 h, equal jitter). */
  backoff?: Partial<Backoff>;
  /** How long a claim holds a delivery without a heartbeat (default 30 s): a stopped process's deliveries wait this long. */
  leaseMs?: number;
  /** How often an idle worker looks for due deliveries when nothing woke it (default 1 s). */
  pollIntervalMs?: number;
  /** How long `stop()` waits for running handlers (default 30 s). */
  stopTimeoutMs?: number;
  /** `Retry-After` of the 503 answered when the database does not answer (default 5). */
  retryAfterSeconds?: number;
  /** PostgreSQL: connections of this inbox's pool, at most (default 10; LISTEN takes one more). */
  poolSize?: number;
  /** This process in lease rows (default `host:pid:random`); unique per running inbox. */
  workerId?: string;
  /** What the inbox cannot return to anyone: a claim or a record that failed, a lease lost (default console.warn). */
  log?: (message: string) => void;
  /**
   * Erase the contents (body, headers, issues, drift, last error) of handled and dead deliveries once they are
   * `maxAgeMs` old, every `intervalMs` (default one hour) while started. Absent or 0: keep them for ever.
   */
  retention?: {
    maxAgeMs: number;
    intervalMs?: number;
    /**
     * The app's own retention in the same transaction as each batch of the log's: erase what its tables hold from
     * before `before` (epoch ms, the database's clock) and resolve with how many rows.
     */
    alsoErase?: (tx: Queryable, before: number) => Promise<number>;
  };
  /** Callbacks for metrics: each delivery received or refused, each run handled, failed or dead. */
  observer?: InboxObserver;
}

export type InboxConfigErrorCode = "invalid_option" | "invalid_database";

/** Thrown by `createInbox` for options it cannot run with; says which option and why. */
export class InboxConfigError extends Error {
  override name = "InboxConfigError";
  constructor(
    readonly code: InboxConfigErrorCode,
    /** JSON pointer of the offending option, e.g. `/backoff/maxMs`. */
    readonly pointer: string,
    message: string,
  ) {
    super(`${message} (${code} at ${pointer || "/"})`);
  }
}

export type Settings = Required<Omit<InboxOptions, "backoff" | "retention">> & {
  backoff: Backoff;
  retention: Retention;
};

function number(value: number | undefined, fallback: number, pointer: string, min: number, integer: boolean) {
  const chosen = value ?? fallback;
  if (
    typeof chosen !== "number" ||
    !Number.isFinite(chosen) ||
    chosen < min ||
    (integer && !Number.isInteger(chosen))
  )
    throw new InboxConfigError(
      "invalid_option",
      pointer,
      `${pointer.slice(1).replace("/", ".")} must be ${integer ? "a whole number" : "a number"} of at least ${min}`,
    );
  return chosen;
}

function alsoEraseOf(value: unknown): Retention["alsoErase"] {
  if (value === undefined || typeof value === "function") return value as Retention["alsoErase"];
  throw new InboxConfigError(
    "invalid_option",
    "/retention/alsoErase",
    "retention.alsoErase must be a function (tx, before) => Promise<number>",
  );
}

export function settingsOf(options: InboxOptions): Settings {
  const webhooks = options?.webhooks;
  if (!webhooks || typeof webhooks.parse !== "function" || typeof webhooks.dispatch !== "function")
    throw new InboxConfigError(
      "invalid_option",
      "/webhooks",
      "webhooks must be the object createMeetingWebhooks returned (it parses and dispatches)",
    );
  if (typeof options.database !== "string" || options.database.trim() === "")
    throw new InboxConfigError(
      "invalid_database",
      "/database",
      "database must be a SQLite file path or a postgres:// URL",
    );
  const initialMs = number(options.backoff?.initialMs, 1000, "/backoff/initialMs", 0, false);
  const maxMs = number(options.backoff?.maxMs, 3_600_000, "/backoff/maxMs", initialMs, false);
  const jitter = options.backoff?.jitter ?? "equal";
  if (jitter !== "full" && jitter !== "equal")
    throw new InboxConfigError(
      "invalid_option",
      "/backoff/jitter",
      'backoff.jitter must be "full" or "equal"',
    );
  const observer = options.observer ?? {};
  if (typeof observer !== "object" || observer === null)
    throw new InboxConfigError("invalid_option", "/observer", "observer must be an object of callbacks");
  for (const name of observerCallbacks)
    if (observer[name] !== undefined && typeof observer[name] !== "function")
      throw new InboxConfigError(
        "invalid_option",
        `/observer/${name}`,
        `observer.${name} must be a function`,
      );
  return {
    webhooks,
    database: options.database,
    concurrency: number(options.concurrency, 4, "/concurrency", 1, true),
    maxAttempts: number(options.maxAttempts, 10, "/maxAttempts", 1, true),
    backoff: { initialMs, maxMs, jitter },
    leaseMs: number(options.leaseMs, 30_000, "/leaseMs", 50, true),
    pollIntervalMs: number(options.pollIntervalMs, 1000, "/pollIntervalMs", 10, true),
    stopTimeoutMs: number(options.stopTimeoutMs, 30_000, "/stopTimeoutMs", 0, true),
    retryAfterSeconds: number(options.retryAfterSeconds, 5, "/retryAfterSeconds", 0, true),
    poolSize: number(options.poolSize, 10, "/poolSize", 1, true),
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    log: options.log ?? ((message) => console.warn(`[inbox] ${message}`)),
    retention: {
      maxAgeMs: number(options.retention?.maxAgeMs, 0, "/retention/maxAgeMs", 0, true),
      intervalMs: number(options.retention?.intervalMs, 3_600_000, "/retention/intervalMs", 10, true),
      alsoErase: alsoEraseOf(options.retention?.alsoErase),
    },
    observer,
  };
}
