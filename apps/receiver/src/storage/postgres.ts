// The engine for replicas: PostgreSQL through node-postgres with a bounded pool. Ingest keeps SQLite's promise
// (the 2xx only after the delivery is committed with synchronous_commit=on) and its group commit: deliveries that
// arrive while a commit is in flight share the next one, a single multi-row INSERT … ON CONFLICT that is its own
// transaction. Workers claim with FOR UPDATE SKIP LOCKED under a lease, wake on LISTEN/NOTIFY (sent by the ingest
// replica after its commits, at most once per `wakeIntervalMs`), take one advisory lock per meeting subject, and apply
// a batch and mark it in one transaction, on connections that do not wait for the fsync (a lost claim or projection
// only leaves the delivery pending: it is applied again).
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import pg from "pg";
import {
  type ArtifactState,
  calendarKey,
  type MeetingState,
  meetingKey,
  type ProjectionState,
  splitKey,
} from "../projection.js";
import type { CalendarEventFact } from "../providers/facts.js";
import {
  type DeliveryRow,
  deliveryJson,
  firstWaiting,
  lagOf,
  type MeetingRow,
  meetingJson,
  meetingStateOf,
  type TimelineRow,
  withQueued,
} from "./rows.js";
import {
  type BatchOutcome,
  type ClaimedDelivery,
  type Counts,
  type Delivery,
  type DeliveryFilter,
  type DownloadJob,
  type DownloadOutcome,
  type Lag,
  type Meeting,
  type MeetingFilter,
  type NewDelivery,
  type Operations,
  type OperationsMinute,
  type Projector,
  type Storage,
  StorageUnavailable,
  type StoredBody,
  type StoredDelivery,
} from "./types.js";

export const migrationsDir = fileURLToPath(new URL("../../migrations/postgres", import.meta.url));

export interface PostgresOptions {
  url: string;
  schema: string;
  poolSize: number;
}

/** Runs the migrations not run yet; concurrent callers wait on the tool's advisory lock, so each runs once. */
export async function migratePostgres(
  options: Pick<PostgresOptions, "url" | "schema">,
  log: (message: string) => void = () => {},
): Promise<void> {
  await runner({
    databaseUrl: options.url,
    dir: migrationsDir,
    direction: "up",
    migrationsTable: "receiver_migrations",
    schema: options.schema,
    createSchema: true,
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: "wait",
    log: (message: string) => log(`migrate: ${message}`),
  });
}

/** Timestamps as ISO strings (the API's format) and counts as numbers. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 1184) return (value: string) => new Date(value).toISOString();
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Errors that mean "the database is not there", as opposed to a bug: answered 503, retried by the sender. */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (typeof e.code === "string" && /^(08|57P0[1-3]|53300|ECONN|ENOTFOUND|EPIPE|ETIMEDOUT)/.test(e.code))
    return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    e.message ?? "",
  );
}

function wrap(error: unknown): Error {
  if (isUnavailable(error)) return new StorageUnavailable((error as Error).message);
  return error as Error;
}

interface Pending {
  delivery: NewDelivery;
  resolve(result: StoredDelivery): void;
  reject(error: unknown): void;
}

/** Group commits in flight at once: one waits for its fsync while the next fills (more only made batches smaller). */
const maxInflightCommits = 2;
/**
 * Ingest wakes the workers of other processes at most this often under load: a NOTIFY is a transaction that wakes
 * every listener, and a busy worker gathers for PROCESSING_GATHER_MS (100 ms by default) between passes anyway.
 */
const wakeIntervalMs = 25;

export class PostgresStorage implements Storage {
  readonly engine = "postgres" as const;
  private queue: Pending[] = [];
  private rejections = new Map<string, number>();
  /** Counted but not committed yet (queued or in flight): reads add them. */
  private readonly uncommittedRejections = new Map<string, number>();
  private rejectionChain: Promise<unknown> = Promise.resolve();
  private inflight = 0;
  private scheduled = false;
  private readonly listeners: (() => void)[] = [];
  private listener: pg.Client | undefined;
  private closed = false;
  /** Wake-ups: one NOTIFY in flight at a time; commits meanwhile ask for one more. */
  private waking = false;
  private wakeAgain = false;

  private constructor(
    private readonly pool: pg.Pool,
    /** Claims, projections and downloads: `synchronous_commit=off`, and not queued behind ingest's connections. */
    private readonly work: pg.Pool,
    private readonly options: PostgresOptions,
    private readonly log: (message: string) => void,
  ) {}

  static async open(
    options: PostgresOptions,
    log: (message: string) => void = () => {},
  ): Promise<PostgresStorage> {
    await migratePostgres(options, log);
    const poolOf = (max: number, synchronousCommit: "on" | "off") => {
      const pool = new pg.Pool({
        connectionString: options.url,
        max,
        connectionTimeoutMillis: 3000,
        idleTimeoutMillis: 30_000,
        options: `-c search_path=${options.schema} -c synchronous_commit=${synchronousCommit}`,
        types,
      });
      // A backend that dies while idle (server restart, pg_terminate_backend) is dropped from the pool; the next
      // query opens a fresh connection, so the process recovers by itself when the database is back.
      pool.on("error", (error) => log(`database connection lost: ${error.message}`));
      return pool;
    };
    // The worker loop runs one batch at a time plus downloads: a few connections are enough.
    return new PostgresStorage(
      poolOf(options.poolSize, "on"),
      poolOf(Math.min(options.poolSize, 4), "off"),
      options,
      log,
    );
  }

  /** `name`: a prepared statement, parsed and planned once per connection (the hot paths: ingest and claims). */
  private async query<R extends pg.QueryResultRow>(
    text: string,
    values?: unknown[],
    name?: string,
    pool: pg.Pool = this.pool,
  ): Promise<R[]> {
    try {
      return (await pool.query<R>(name ? { name, text, values } : { text, values })).rows;
    } catch (error) {
      throw wrap(error);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, pool = this.pool): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw wrap(error);
    }
    // A checked-out client whose connection dies between queries emits 'error': without a listener, the process
    // would crash; the query in progress fails anyway and the client is discarded below.
    const onError = (error: Error) => this.log(`database connection lost in a transaction: ${error.message}`);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      client.off("error", onError);
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
        client.off("error", onError);
        client.release();
      } catch {
        client.release(true);
      }
      throw wrap(error);
    }
  }

  // ---- Ingest ------------------------------------------------------------------------------------------------

  storeDelivery(delivery: NewDelivery): Promise<StoredDelivery> {
    if (this.closed) return Promise.reject(new StorageUnavailable("the receiver is closing"));
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      this.schedule();
    });
  }

  countRejection(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
    this.uncommittedRejections.set(code, (this.uncommittedRejections.get(code) ?? 0) + 1);
    this.schedule();
  }

  private forgetUncommitted(rejections: [string, number][]): void {
    for (const [code, n] of rejections) {
      const left = (this.uncommittedRejections.get(code) ?? 0) - n;
      if (left > 0) this.uncommittedRejections.set(code, left);
      else this.uncommittedRejections.delete(code);
    }
  }

  /**
   * Runs rejection-counter writes and reads one at a time, so that a read sees each count either committed or
   * still queued, never both and never neither.
   */
  private serialRejections<T>(work: () => Promise<T>): Promise<T> {
    const run = this.rejectionChain.then(work, work);
    this.rejectionChain = run.catch(() => {});
    return run;
  }

  private schedule(): void {
    if (this.scheduled || this.inflight >= maxInflightCommits) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** One group commit of everything queued; schedules the next when more arrived meanwhile. */
  private async flush(): Promise<void> {
    if (this.queue.length === 0 && this.rejections.size === 0) return;
    const batch = this.queue;
    const rejections = [...this.rejections];
    this.queue = [];
    this.rejections = new Map();
    this.inflight++;
    try {
      if (rejections.length > 0) {
        await this.serialRejections(() =>
          this.query(
            `INSERT INTO rejections (code, count) SELECT * FROM unnest($1::text[], $2::bigint[])
               ON CONFLICT (code) DO UPDATE SET count = rejections.count + excluded.count`,
            [rejections.map(([code]) => code), rejections.map(([, n]) => n)],
          ).then(
            () => this.forgetUncommitted(rejections),
            (error) => {
              // Counters of refused requests, not deliveries: logged, and no longer shown as queued.
              this.forgetUncommitted(rejections);
              this.log(`counting rejections failed: ${(error as Error).message}`);
            },
          ),
        );
      }
      if (batch.length > 0) await this.insert(batch);
    } finally {
      this.inflight--;
      if (this.queue.length > 0 || this.rejections.size > 0) this.schedule();
    }
  }

  private async insert(batch: Pending[]): Promise<void> {
    // One row per delivery key: a key twice in one batch is one row whose attempts count both.
    const byKey = new Map<string, { delivery: NewDelivery; waiting: Pending[] }>();
    for (const pending of batch) {
      const entry = byKey.get(pending.delivery.deliveryKey);
      if (entry) entry.waiting.push(pending);
      else byKey.set(pending.delivery.deliveryKey, { delivery: pending.delivery, waiting: [pending] });
    }
    const rows = [...byKey.values()];
    const column = <T>(pick: (d: NewDelivery) => T) => rows.map((r) => pick(r.delivery));
    let results: { id: number; delivery_key: string; inserted: boolean }[];
    try {
      results = await this.query(
        `INSERT INTO deliveries (delivery_key, provider, channel, event, status, subject, headers, body, errors, drift, attempts)
         SELECT k, p, c, e, s, sub, h, b, er, dr, n
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::bytea[],
                       $9::jsonb[], $10::jsonb[], $11::int[]) WITH ORDINALITY AS t(k, p, c, e, s, sub, h, b, er, dr, n, ord)
          ORDER BY ord
         ON CONFLICT (delivery_key) DO UPDATE SET attempts = deliveries.attempts + excluded.attempts
         RETURNING id, delivery_key, (xmax = 0) AS inserted`,
        [
          column((d) => d.deliveryKey),
          column((d) => d.provider),
          column((d) => d.channel),
          column((d) => d.event),
          column((d) => d.status),
          column((d) => d.subject),
          column((d) => JSON.stringify(d.headers)),
          column((d) => d.body),
          column((d) => (d.errors ? JSON.stringify(d.errors) : null)),
          column((d) => (d.drift && d.drift.length > 0 ? JSON.stringify(d.drift) : null)),
          rows.map((r) => r.waiting.length),
        ],
        "receiver_insert_deliveries",
      );
    } catch (error) {
      const failure = new Error(`storing the delivery failed: ${(error as Error).message}`);
      for (const pending of batch) pending.reject(failure);
      return;
    }
    for (const result of results) {
      const entry = byKey.get(result.delivery_key);
      if (!entry) continue;
      for (const [i, pending] of entry.waiting.entries())
        pending.resolve({ id: result.id, duplicate: !result.inserted || i > 0 });
    }
    for (const listener of this.listeners) listener();
    this.wakeWorkers();
  }

  /** NOTIFY the workers of other processes, coalesced: at most one in flight and one per `wakeIntervalMs`. */
  private wakeWorkers(): void {
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = true;
    this.wakeAgain = false;
    const started = Date.now();
    this.query("SELECT pg_notify($1, '')", [`${this.options.schema}.deliveries_pending`], "receiver_notify")
      .catch((error) => this.log(`waking the workers failed: ${(error as Error).message}`))
      .finally(() => {
        const wait = Math.max(0, started + wakeIntervalMs - Date.now());
        setTimeout(() => {
          this.waking = false;
          if (this.wakeAgain && !this.closed) this.wakeWorkers();
        }, wait).unref();
      });
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'",
    );
    return row?.n ?? 0;
  }

  // ---- Processing --------------------------------------------------------------------------------------------

  onPending(listener: () => void): void {
    this.listeners.push(listener);
    if (!this.listener) void this.listen();
  }

  /** LISTEN on a connection of its own; reconnects after a second when it is lost. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.url, connectionTimeoutMillis: 3000 });
    this.listener = client;
    const retry = () => {
      if (this.listener !== client || this.closed) return;
      this.listener = undefined;
      client.end().catch(() => {});
      setTimeout(() => {
        if (!this.listener) void this.listen();
      }, 1000).unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", () => {
      for (const listener of this.listeners) listener();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.schema}.deliveries_pending"`);
      // Whatever was committed while not listening: look now.
      for (const listener of this.listeners) listener();
    } catch {
      retry();
    }
  }

  async claim(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.query<{
      id: number;
      provider: ClaimedDelivery["provider"];
      channel: ClaimedDelivery["channel"];
      event: string;
      subject: string | null;
      body: string;
      received_at: string;
    }>(
      `UPDATE deliveries d SET claimed_by = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
         FROM (SELECT id FROM deliveries
                WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < clock_timestamp())
                ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) c
        WHERE d.id = c.id
        RETURNING d.id, d.provider, d.channel, d.event, d.subject, convert_from(d.body, 'UTF8') AS body, d.received_at`,
      [worker, leaseMs, limit],
      "receiver_claim",
      this.work,
    );
    return rows
      .map((r) => ({
        id: r.id,
        provider: r.provider,
        channel: r.channel,
        event: r.event,
        subject: r.subject,
        body: r.body,
        receivedAt: r.received_at,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async applyBatch(worker: string, deliveries: ClaimedDelivery[], project: Projector): Promise<BatchOutcome> {
    // The projection and the marks commit together; a commit lost in a crash only returns the deliveries to
    // pending (they are applied again), so this transaction need not wait for its fsync (the `work` pool).
    return this.transaction(async (client) => {
      const q = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
        (await client.query<R>(text, values)).rows;
      const subjects = [...new Set(deliveries.map((d) => d.subject).filter((s): s is string => s !== null))];
      // One lock per meeting, taken in one order by every worker (no deadlock), held until commit.
      await q(
        `SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(s, 0) AS h FROM unnest($1::text[]) s ORDER BY 1) x`,
        [subjects],
      );
      // Only what this worker still holds (a lease that expired may have passed it on).
      const held = new Set(
        (
          await q<{ id: number }>(
            "SELECT id FROM deliveries WHERE id = ANY($1) AND status = 'pending' AND claimed_by = $2 FOR UPDATE",
            [deliveries.map((d) => d.id), worker],
          )
        ).map((r) => r.id),
      );
      const mine = deliveries.filter((d) => held.has(d.id));
      const last = new Map<string, number>();
      for (const d of mine) if (d.subject) last.set(d.subject, Math.max(d.id, last.get(d.subject) ?? 0));
      const pendingUpTo = await q<{ subject: string; id: number }>(
        `SELECT d.subject, d.id FROM deliveries d
           JOIN unnest($1::text[], $2::int[]) AS s(subject, last) ON d.subject = s.subject AND d.id <= s.last
          WHERE d.status = 'pending' ORDER BY d.id`,
        [[...last.keys()], [...last.values()]],
      );
      const waiting = firstWaiting(mine, (subject) =>
        pendingUpTo.filter((r) => r.subject === subject).map((r) => r.id),
      );
      const ready: ClaimedDelivery[] = [];
      const deferred: number[] = [];
      for (const d of deliveries) {
        if (!held.has(d.id)) continue;
        const first = d.subject ? waiting.get(d.subject) : undefined;
        if (first !== undefined && first < d.id) deferred.push(d.id);
        else ready.push(d);
      }
      if (deferred.length > 0)
        await q("UPDATE deliveries SET claimed_by = NULL, lease_until = NULL WHERE id = ANY($1)", [deferred]);
      if (ready.length === 0) return { applied: [], deferred: deferred.length };

      const projection = project(ready);
      const writes = projection.writes(
        await this.loadState(q, projection.meetingKeys, projection.calendarKeys),
      );
      if (writes.calendarEvents.length > 0) {
        const c = writes.calendarEvents;
        await q(
          `INSERT INTO calendar_events (provider, event_id, title, start, "end", join_url, platform, status)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           ON CONFLICT (provider, event_id) DO UPDATE SET title = excluded.title, start = excluded.start,
             "end" = excluded."end", join_url = excluded.join_url, platform = excluded.platform, status = excluded.status`,
          [
            c.map((e) => e.provider),
            c.map((e) => e.eventId),
            c.map((e) => e.title),
            c.map((e) => e.start),
            c.map((e) => e.end),
            c.map((e) => e.joinUrl),
            c.map((e) => e.platform),
            c.map((e) => e.status),
          ],
        );
      }
      const ids = new Map<string, number>();
      if (writes.meetings.length > 0) {
        const m = writes.meetings;
        const rows = await q<{ id: number; provider: string; external_id: string }>(
          `INSERT INTO meetings (provider, external_id, calendar_event_id, title, start, "end", join_url, platform, status,
               status_at, duration_seconds, failure_reason, needs_retry_callback, updated_at)
           SELECT *, clock_timestamp() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
               $7::text[], $8::text[], $9::text[], $10::text[], $11::float8[], $12::text[], $13::bool[])
           ON CONFLICT (provider, external_id) DO UPDATE SET calendar_event_id = excluded.calendar_event_id,
             title = excluded.title, start = excluded.start, "end" = excluded."end", join_url = excluded.join_url,
             platform = excluded.platform, status = excluded.status, status_at = excluded.status_at,
             duration_seconds = excluded.duration_seconds, failure_reason = excluded.failure_reason,
             needs_retry_callback = excluded.needs_retry_callback, updated_at = excluded.updated_at
           RETURNING id, provider, external_id`,
          [
            m.map((x) => x.provider),
            m.map((x) => x.externalId),
            m.map((x) => x.calendarEventId),
            m.map((x) => x.title),
            m.map((x) => x.start),
            m.map((x) => x.end),
            m.map((x) => x.joinUrl),
            m.map((x) => x.platform),
            m.map((x) => x.status),
            m.map((x) => x.statusAt),
            m.map((x) => x.durationSeconds),
            m.map((x) => x.failureReason),
            m.map((x) => x.needsRetryCallback),
          ],
        );
        for (const row of rows) ids.set(meetingKey(row.provider, row.external_id), row.id);
      }
      const idOf = (key: string) => ids.get(key) as number;
      if (writes.timeline.length > 0) {
        const t = writes.timeline;
        await q(
          `INSERT INTO timeline (meeting_id, delivery_id, at, status, provider_status, detail)
           SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
           ON CONFLICT DO NOTHING`,
          [
            t.map((x) => idOf(x.meetingKey)),
            t.map((x) => x.deliveryId),
            t.map((x) => x.at),
            t.map((x) => x.status),
            t.map((x) => x.providerStatus),
            t.map((x) => x.detail),
          ],
        );
      }
      if (writes.participants.length > 0) {
        const p = writes.participants;
        await q(
          `INSERT INTO participants (meeting_id, name, speaker) SELECT * FROM unnest($1::int[], $2::text[], $3::bool[])
           ON CONFLICT (meeting_id, name) DO UPDATE SET speaker = participants.speaker OR excluded.speaker`,
          [p.map((x) => idOf(x.meetingKey)), p.map((x) => x.name), p.map((x) => x.speaker)],
        );
      }
      if (writes.artifacts.length > 0) {
        const a = writes.artifacts;
        await q(
          `INSERT INTO artifacts (meeting_id, kind, url, state, attempts, error, download, next_at)
           SELECT *, NULL::timestamptz FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])
           ON CONFLICT (meeting_id, kind) DO UPDATE SET url = excluded.url, download = excluded.download, state = excluded.state,
             attempts = excluded.attempts, error = excluded.error, next_at = NULL`,
          [
            a.map((x) => idOf(x.meetingKey)),
            a.map((x) => x.kind),
            a.map((x) => x.url),
            a.map((x) => x.state),
            a.map((x) => x.attempts),
            a.map((x) => x.error),
            a.map((x) => x.download),
          ],
        );
      }
      if (writes.processed.length > 0) {
        await q(
          `UPDATE deliveries d SET status = 'processed', processed_at = clock_timestamp(), meeting_id = u.meeting_id,
                  claimed_by = NULL, lease_until = NULL
             FROM unnest($1::int[], $2::int[]) AS u(id, meeting_id) WHERE d.id = u.id`,
          [
            writes.processed.map((x) => x.deliveryId),
            writes.processed.map((x) => (x.meetingKey ? idOf(x.meetingKey) : null)),
          ],
        );
      }
      if (writes.failed.length > 0) {
        await q(
          `UPDATE deliveries d SET status = 'failed', processed_at = clock_timestamp(), errors = u.errors,
                  claimed_by = NULL, lease_until = NULL
             FROM unnest($1::int[], $2::jsonb[]) AS u(id, errors) WHERE d.id = u.id`,
          [
            writes.failed.map((x) => x.deliveryId),
            writes.failed.map((x) => JSON.stringify([{ pointer: "", message: x.error }])),
          ],
        );
      }
      return {
        applied: ready.map((d) => ({ id: d.id, receivedAt: d.receivedAt })),
        deferred: deferred.length,
      };
    }, this.work);
  }

  private async loadState(
    q: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>,
    meetingKeys: string[],
    calendarKeys: string[],
  ): Promise<ProjectionState> {
    const meetings = new Map<string, MeetingState>();
    if (meetingKeys.length > 0) {
      const split = meetingKeys.map(splitKey);
      const rows = await q<MeetingRow & { artifacts: ArtifactState[] | null }>(
        `SELECT m.*, (SELECT json_agg(json_build_object('kind', a.kind, 'url', a.url, 'state', a.state,
                       'attempts', a.attempts, 'error', a.error, 'download', a.download)) FROM artifacts a WHERE a.meeting_id = m.id) AS artifacts
           FROM meetings m JOIN unnest($1::text[], $2::text[]) AS k(provider, external_id)
             ON m.provider = k.provider AND m.external_id = k.external_id
          FOR UPDATE OF m`,
        [split.map(([p]) => p), split.map(([, e]) => e)],
      );
      for (const row of rows) {
        meetings.set(meetingKey(row.provider, row.external_id), meetingStateOf(row, row.artifacts ?? []));
      }
    }
    const calendarEvents = new Map<string, CalendarEventFact>();
    if (calendarKeys.length > 0) {
      const split = calendarKeys.map(splitKey);
      const rows = await q<CalendarEventFact & { provider: string }>(
        `SELECT c.provider, c.event_id AS "eventId", c.title, c.start, c."end", c.join_url AS "joinUrl", c.platform, c.status
           FROM calendar_events c JOIN unnest($1::text[], $2::text[]) AS k(provider, event_id)
             ON c.provider = k.provider AND c.event_id = k.event_id`,
        [split.map(([p]) => p), split.map(([, e]) => e)],
      );
      for (const { provider, ...row } of rows) calendarEvents.set(calendarKey(provider, row.eventId), row);
    }
    return { meetings, calendarEvents };
  }

  // ---- Downloads ---------------------------------------------------------------------------------------------

  async claimDownloads(limit: number, leaseMs: number): Promise<DownloadJob[]> {
    return this.query<DownloadJob>(
      `UPDATE artifacts a SET next_at = clock_timestamp() + $2 * interval '1 millisecond'
         FROM (SELECT meeting_id, kind FROM artifacts
                WHERE state = 'queued' AND (next_at IS NULL OR next_at <= clock_timestamp())
                LIMIT $1 FOR UPDATE SKIP LOCKED) c, meetings m
        WHERE a.meeting_id = c.meeting_id AND a.kind = c.kind AND m.id = a.meeting_id
        RETURNING a.meeting_id AS "meetingId", a.kind, a.url, a.attempts, m.provider, a.download`,
      [limit, leaseMs],
      undefined,
      this.work,
    );
  }

  async dueDownloads(): Promise<number> {
    const [row] = await this.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM artifacts WHERE state = 'queued' AND (next_at IS NULL OR next_at <= clock_timestamp())",
    );
    return row?.n ?? 0;
  }

  async finishDownload(job: DownloadJob, outcome: DownloadOutcome): Promise<void> {
    const where = "WHERE meeting_id = $1 AND kind = $2 AND url = $3";
    const key = [job.meetingId, job.kind, job.url];
    await this.transaction(async (client) => {
      switch (outcome.kind) {
        case "downloaded":
          await client.query(
            `INSERT INTO transcripts (meeting_id, source, segments, fetched_at) VALUES ($1, $2, $3, clock_timestamp())
               ON CONFLICT (meeting_id) DO UPDATE SET source = excluded.source, segments = excluded.segments,
                 fetched_at = excluded.fetched_at`,
            [job.meetingId, outcome.source, JSON.stringify(outcome.segments)],
          );
          await client.query(
            `UPDATE artifacts SET state = 'downloaded', error = NULL, next_at = NULL, attempts = attempts + 1 ${where}`,
            key,
          );
          return;
        case "expired":
          await client.query(
            `UPDATE artifacts SET state = 'expired', error = $4, next_at = NULL, attempts = attempts + 1 ${where}`,
            [...key, outcome.error],
          );
          await client.query("UPDATE meetings SET needs_retry_callback = true WHERE id = $1", [
            job.meetingId,
          ]);
          return;
        case "broken":
          await client.query(
            `UPDATE artifacts SET state = 'failed', error = $4, next_at = NULL, attempts = attempts + 1 ${where}`,
            [...key, outcome.error],
          );
          return;
        case "retry":
          await client.query(
            `UPDATE artifacts SET state = 'queued', attempts = $4, next_at = $5, error = $6 ${where}`,
            [...key, outcome.attempts, outcome.nextAt, outcome.error],
          );
          return;
        case "failed":
          await client.query(
            `UPDATE artifacts SET state = 'failed', attempts = $4, next_at = NULL, error = $5 ${where}`,
            [...key, outcome.attempts, outcome.error],
          );
          return;
      }
    }, this.work);
  }

  // ---- Read API ----------------------------------------------------------------------------------------------

  private meetingSelect(withTranscript: boolean): string {
    return `SELECT m.*,
        coalesce((SELECT json_agg(json_build_object('at', t.at, 'status', t.status, 'provider_status', t.provider_status,
                   'detail', t.detail) ORDER BY t.at COLLATE "C", t.delivery_id) FROM timeline t WHERE t.meeting_id = m.id), '[]') AS timeline,
        coalesce((SELECT json_agg(json_build_object('name', p.name, 'speaker', p.speaker) ORDER BY p.name COLLATE "C")
                   FROM participants p WHERE p.meeting_id = m.id), '[]') AS participants,
        coalesce((SELECT json_agg(json_build_object('kind', a.kind, 'url', a.url, 'state', a.state, 'error', a.error)
                   ORDER BY a.kind COLLATE "C") FROM artifacts a WHERE a.meeting_id = m.id), '[]') AS artifacts
        ${withTranscript ? ", (SELECT segments FROM transcripts WHERE meeting_id = m.id) AS transcript" : ""}
      FROM meetings m`;
  }

  private meetingOf(row: MeetingJsonRow): Meeting {
    return meetingJson(
      row as unknown as Parameters<typeof meetingJson>[0],
      row.timeline,
      row.participants,
      row.artifacts,
      "transcript" in row ? (row.transcript ?? null) : undefined,
    );
  }

  async listMeetings(filter: MeetingFilter): Promise<Meeting[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.provider) where.push(`m.provider = $${params.push(filter.provider)}`);
    if (filter.status) where.push(`m.status = $${params.push(filter.status)}`);
    const rows = await this.query<MeetingJsonRow>(
      `${this.meetingSelect(false)} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY m.updated_at DESC, m.id DESC LIMIT $${params.push(filter.limit)}`,
      params,
    );
    return rows.map((row) => this.meetingOf(row));
  }

  async getMeeting(id: number): Promise<Meeting | undefined> {
    const [row] = await this.query<MeetingJsonRow>(`${this.meetingSelect(true)} WHERE m.id = $1`, [id]);
    return row ? this.meetingOf(row) : undefined;
  }

  async deliveryBodies(
    provider: "cronofy" | "meetingbaas",
    since: string | undefined,
  ): Promise<StoredBody[]> {
    const rows = await this.query<{ channel: string; received_at: Date; body: Buffer }>(
      `SELECT channel, received_at, body FROM deliveries
        WHERE provider = $1 AND ($2::timestamptz IS NULL OR received_at >= $2) ORDER BY id`,
      [provider, since ?? null],
    );
    return rows.map((row) => ({
      channel: row.channel,
      receivedAt: new Date(row.received_at).toISOString(),
      body: row.body,
    }));
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ["status", filter.status],
      ["provider", filter.provider],
      ["event", filter.event],
    ] as const) {
      if (value !== undefined) where.push(`${column} = $${params.push(value)}`);
    }
    if (filter.before !== undefined) where.push(`id < $${params.push(filter.before)}`);
    const rows = await this.query<
      Omit<DeliveryRow, "errors" | "drift"> & { errors: unknown[] | null; drift: unknown[] | null }
    >(
      `SELECT id, delivery_key, provider, channel, event, status, received_at, processed_at, attempts, meeting_id, errors, drift
         FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${params.push(filter.limit)}`,
      params,
    );
    return rows.map((row) => deliveryJson({ ...row, errors: row.errors ?? [], drift: row.drift ?? [] }));
  }

  async rejectionCounts(): Promise<Record<string, number>> {
    return this.serialRejections(async () => {
      const rows = await this.query<{ code: string; count: number }>(
        'SELECT code, count FROM rejections ORDER BY code COLLATE "C"',
      );
      return withQueued(rows, this.uncommittedRejections);
    });
  }

  async counts(): Promise<Counts> {
    const [row] = await this.query<Counts>(
      `SELECT count(*)::int AS deliveries, coalesce(sum(attempts), 0)::int AS attempts,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'processed')::int AS processed,
              count(*) FILTER (WHERE status = 'pending' AND lease_until >= clock_timestamp())::int AS claimed,
              (SELECT count(*)::int FROM timeline) AS timeline
         FROM deliveries`,
    );
    return row as Counts;
  }

  async lag(since = new Date(0)): Promise<Lag> {
    const rows = await this.query<{ ms: number }>(
      `SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM deliveries
        WHERE status = 'processed' AND processed_at >= $1`,
      [since],
    );
    return lagOf(rows.map((r) => Number(r.ms)));
  }

  async recordOperations(
    process: string,
    role: "ingest" | "worker",
    rows: Omit<OperationsMinute, "process" | "role">[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.query(
      `INSERT INTO operations (minute, process, role, outcome, count, lag_p99_ms)
       SELECT m, $1, $2, o, c, l FROM unnest($3::text[], $4::text[], $5::bigint[], $6::float8[]) AS t(m, o, c, l)
       ON CONFLICT (minute, process, outcome) DO UPDATE SET count = operations.count + excluded.count,
         lag_p99_ms = coalesce(excluded.lag_p99_ms, operations.lag_p99_ms)`,
      [
        process,
        role,
        rows.map((r) => r.minute),
        rows.map((r) => r.outcome),
        rows.map((r) => r.count),
        rows.map((r) => r.lagP99Ms),
      ],
    );
  }

  async operations(sinceMinutes: number): Promise<Operations> {
    const since = new Date(Date.now() - sinceMinutes * 60_000).toISOString().slice(0, 16);
    const minutes = await this.query<OperationsMinute>(
      `SELECT minute, process, role, outcome, count, lag_p99_ms AS "lagP99Ms" FROM operations
        WHERE minute >= $1 ORDER BY minute, process COLLATE "C", outcome COLLATE "C"`,
      [since],
    );
    const [queue] = await this.query<{ depth: number; claimed: number }>(
      `SELECT count(*)::int AS depth, count(*) FILTER (WHERE lease_until >= clock_timestamp())::int AS claimed
         FROM deliveries WHERE status = 'pending'`,
    );
    return { queueDepth: queue?.depth ?? 0, claimed: queue?.claimed ?? 0, minutes };
  }

  async close(): Promise<void> {
    // Let the commits in flight finish (their senders are waiting), then refuse new ones.
    for (let i = 0; i < 200 && (this.inflight > 0 || this.queue.length > 0); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
    await Promise.all([this.pool.end(), this.work.end()]);
  }
}

type MeetingJsonRow = MeetingRow & {
  timeline: TimelineRow[];
  participants: { name: string; speaker: boolean }[];
  artifacts: { kind: string; url: string; state: string; error: string | null }[];
  transcript?: Meeting["transcript"];
};
