// The embedded engine: SQLite through better-sqlite3 in one process. Deliveries are written on a connection with
// WAL and synchronous=FULL (a committed delivery survives a crash of the process and of the machine) with group
// commit: every delivery that arrives in the same turn of the event loop joins one transaction and one fsync.
// Processing uses a second connection with synchronous=NORMAL: its commits reach the disk with the next fsync of
// the first (one WAL) or a checkpoint, and whatever a power cut takes from it is rebuilt from the deliveries.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  type ArtifactState,
  calendarKey,
  type MeetingState,
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
import type {
  BatchOutcome,
  ClaimedDelivery,
  Counts,
  Delivery,
  DeliveryFilter,
  DownloadJob,
  DownloadOutcome,
  Lag,
  Meeting,
  MeetingFilter,
  NewDelivery,
  Operations,
  OperationsMinute,
  Projector,
  Storage,
  StoredBody,
  StoredDelivery,
} from "./types.js";

type Db = Database.Database;

const statementCache = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** The statement for this SQL on this connection, prepared once: preparing costs more than running it. */
function sql(db: Db, source: string): Database.Statement<unknown[]> {
  let statements = statementCache.get(db);
  if (!statements) {
    statements = new Map();
    statementCache.set(db, statements);
  }
  let statement = statements.get(source);
  if (!statement) {
    statement = db.prepare<unknown[]>(source);
    statements.set(source, statement);
  }
  return statement;
}

const migrations = [
  `CREATE TABLE deliveries (
     id INTEGER PRIMARY KEY,
     delivery_key TEXT NOT NULL UNIQUE,
     provider TEXT NOT NULL,
     channel TEXT NOT NULL,
     event TEXT,
     status TEXT NOT NULL,
     received_at TEXT NOT NULL,
     processed_at TEXT,
     attempts INTEGER NOT NULL DEFAULT 1,
     meeting_id INTEGER,
     headers TEXT NOT NULL,
     body BLOB NOT NULL,
     errors TEXT,
     drift TEXT
   );
   CREATE INDEX deliveries_status ON deliveries (status, id);
   CREATE TABLE rejections (code TEXT PRIMARY KEY, count INTEGER NOT NULL);
   CREATE TABLE meetings (
     id INTEGER PRIMARY KEY,
     provider TEXT NOT NULL,
     external_id TEXT NOT NULL,
     calendar_event_id TEXT,
     title TEXT,
     start TEXT,
     end TEXT,
     join_url TEXT,
     platform TEXT,
     status TEXT NOT NULL,
     status_at TEXT,
     duration_seconds REAL,
     failure_reason TEXT,
     needs_retry_callback INTEGER NOT NULL DEFAULT 0,
     updated_at TEXT NOT NULL,
     UNIQUE (provider, external_id)
   );
   CREATE TABLE timeline (
     meeting_id INTEGER NOT NULL,
     delivery_id INTEGER NOT NULL,
     at TEXT NOT NULL,
     status TEXT NOT NULL,
     provider_status TEXT,
     detail TEXT,
     PRIMARY KEY (meeting_id, delivery_id)
   );
   CREATE TABLE participants (
     meeting_id INTEGER NOT NULL,
     name TEXT NOT NULL,
     speaker INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (meeting_id, name)
   );
   CREATE TABLE artifacts (
     meeting_id INTEGER NOT NULL,
     kind TEXT NOT NULL,
     url TEXT NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at TEXT,
     error TEXT,
     PRIMARY KEY (meeting_id, kind)
   );
   CREATE TABLE transcripts (
     meeting_id INTEGER PRIMARY KEY,
     source TEXT NOT NULL,
     segments TEXT NOT NULL,
     fetched_at TEXT NOT NULL
   );
   CREATE TABLE calendar_events (
     provider TEXT NOT NULL,
     event_id TEXT NOT NULL,
     title TEXT,
     start TEXT,
     end TEXT,
     join_url TEXT,
     platform TEXT,
     status TEXT,
     PRIMARY KEY (provider, event_id)
   );`,
  // The subject that orders a meeting's deliveries, and the operations view's counters (claimed_by and lease_until are
  // unused since claims moved into memory: SQLite serves one process).
  `ALTER TABLE deliveries ADD COLUMN subject TEXT;
   ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
   ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
   CREATE INDEX deliveries_subject ON deliveries (subject, id) WHERE status = 'pending';
   ALTER TABLE artifacts ADD COLUMN download TEXT;
   CREATE TABLE operations (
     minute TEXT NOT NULL,
     process TEXT NOT NULL,
     role TEXT NOT NULL,
     outcome TEXT NOT NULL,
     count INTEGER NOT NULL,
     lag_p99_ms REAL,
     PRIMARY KEY (minute, process, outcome)
   );`,
  // The waiting rule now reads the pending deliveries by (status, id), the batch's meetings filtered in the same
  // statement: nothing uses this index any more, and keeping it wrote a page per meeting into the WAL at each commit
  // (bots' subjects are scattered), about 7 % of the receiver's throughput under load.
  "DROP INDEX deliveries_subject;",
];

function open(path: string, synchronous: "FULL" | "NORMAL"): Db {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("busy_timeout = 5000");
  return db;
}

export function migrateSqlite(db: Db): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let i = version; i < migrations.length; i++) {
    db.transaction(() => {
      db.exec(migrations[i] as string);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

interface Pending {
  delivery: NewDelivery;
  resolve(result: StoredDelivery): void;
  reject(error: unknown): void;
}

export class SqliteStorage implements Storage {
  readonly engine = "sqlite" as const;
  private readonly db: Db;
  /** Processing, downloads and reads: never waits for an fsync. */
  private readonly work: Db;
  private queue: Pending[] = [];
  private rejections = new Map<string, number>();
  private scheduled = false;
  private readonly listeners: (() => void)[] = [];
  /**
   * Claims under a lease, by delivery id. SQLite serves one process, so they live here rather than in an UPDATE of
   * each claimed row (which rewrote the row, body included): a claim lost with the process was never applied.
   */
  private readonly leases = new Map<number, { worker: string; until: number }>();
  private readonly commitBatch: (batch: NewDelivery[], rejections: [string, number][]) => StoredDelivery[];

  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = path === ":memory:" ? new Database(path) : open(path, "FULL");
    migrateSqlite(this.db);
    this.work = path === ":memory:" ? this.db : open(path, "NORMAL");
    const insert = this.db.prepare<unknown[], { id: number; attempts: number }>(
      `INSERT INTO deliveries (delivery_key, provider, channel, event, status, subject, received_at, headers, body, errors, drift)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (delivery_key) DO UPDATE SET attempts = attempts + 1
       RETURNING id, attempts`,
    );
    const count = this.db.prepare(
      "INSERT INTO rejections (code, count) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET count = count + ?",
    );
    this.commitBatch = this.db.transaction((batch: NewDelivery[], rejections: [string, number][]) => {
      const now = new Date().toISOString();
      for (const [code, n] of rejections) count.run(code, n, n);
      return batch.map((d) => {
        const row = insert.get(
          d.deliveryKey,
          d.provider,
          d.channel,
          d.event,
          d.status,
          d.subject,
          now,
          JSON.stringify(d.headers),
          d.body,
          d.errors ? JSON.stringify(d.errors) : null,
          d.drift && d.drift.length > 0 ? JSON.stringify(d.drift) : null,
        ) as { id: number; attempts: number };
        return { id: row.id, duplicate: row.attempts > 1 };
      });
    });
  }

  storeDelivery(delivery: NewDelivery): Promise<StoredDelivery> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      this.schedule();
    });
  }

  countRejection(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits everything queued, in one transaction. */
  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 && this.rejections.size === 0) return;
    const batch = this.queue;
    const rejections = [...this.rejections];
    this.queue = [];
    this.rejections = new Map();
    let results: StoredDelivery[];
    try {
      results = this.commitBatch(
        batch.map((p) => p.delivery),
        rejections,
      );
    } catch (error) {
      for (const pending of batch)
        pending.reject(new Error(`storing the delivery failed: ${(error as Error).message}`));
      return;
    }
    for (const [index, pending] of batch.entries()) pending.resolve(results[index] as StoredDelivery);
    if (batch.length > 0) for (const listener of this.listeners) listener();
  }

  async pendingCount(): Promise<number> {
    return (
      sql(this.work, "SELECT count(*) AS n FROM deliveries WHERE status = 'pending'").get() as { n: number }
    ).n;
  }

  onPending(listener: () => void): void {
    this.listeners.push(listener);
  }

  async claim(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const now = Date.now();
    const live = [...this.leases].filter(([, lease]) => lease.until >= now).map(([id]) => id);
    const columns = "id, provider, channel, event, subject, body, received_at";
    const rows = (
      live.length === 0
        ? sql(
            this.work,
            `SELECT ${columns} FROM deliveries WHERE status = 'pending' ORDER BY id LIMIT ?`,
          ).all(limit)
        : sql(
            this.work,
            `SELECT ${columns} FROM deliveries
              WHERE status = 'pending' AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`,
          ).all(JSON.stringify(live), limit)
    ) as {
      id: number;
      provider: ClaimedDelivery["provider"];
      channel: ClaimedDelivery["channel"];
      event: string;
      subject: string | null;
      body: Buffer;
      received_at: string;
    }[];
    for (const r of rows) this.leases.set(r.id, { worker, until: now + leaseMs });
    return rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      channel: r.channel,
      event: r.event,
      subject: r.subject,
      body: r.body.toString("utf8"),
      receivedAt: r.received_at,
    }));
  }

  async applyBatch(worker: string, deliveries: ClaimedDelivery[], project: Projector): Promise<BatchOutcome> {
    const db = this.work;
    // Only what this worker still holds (a lease that expired may have passed it on).
    const held = new Set(deliveries.filter((d) => this.leases.get(d.id)?.worker === worker).map((d) => d.id));
    const outcome = db.transaction((): BatchOutcome => {
      const mine = deliveries.filter((d) => held.has(d.id));
      // The pending deliveries of the batch's meetings up to its last id, in one statement (one per meeting cost more
      // than the rest of the batch); each meeting's own last id is applied below.
      const pending = new Map<string, number[]>();
      const subjects = [...new Set(mine.map((d) => d.subject).filter((x) => x !== null))];
      if (subjects.length > 0) {
        const rows = sql(
          db,
          `SELECT subject, id FROM deliveries
            WHERE status = 'pending' AND subject IN (SELECT value FROM json_each(?)) AND id <= ? ORDER BY id`,
        ).all(JSON.stringify(subjects), Math.max(...mine.map((d) => d.id))) as {
          subject: string;
          id: number;
        }[];
        for (const r of rows) {
          const ids = pending.get(r.subject);
          if (ids) ids.push(r.id);
          else pending.set(r.subject, [r.id]);
        }
      }
      const waiting = firstWaiting(mine, (subject, last) =>
        (pending.get(subject) ?? []).filter((id) => id <= last),
      );
      const ready: ClaimedDelivery[] = [];
      const deferred: number[] = [];
      for (const d of deliveries) {
        if (!held.has(d.id)) continue;
        const first = d.subject ? waiting.get(d.subject) : undefined;
        if (first !== undefined && first < d.id) deferred.push(d.id);
        else ready.push(d);
      }
      if (ready.length === 0) return { applied: [], deferred: deferred.length };
      const projection = project(ready);
      const writes = projection.writes(this.loadState(projection.meetingKeys, projection.calendarKeys));
      const now = new Date().toISOString();
      for (const c of writes.calendarEvents) {
        sql(
          db,
          `INSERT INTO calendar_events (provider, event_id, title, start, end, join_url, platform, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (provider, event_id) DO UPDATE SET title = excluded.title, start = excluded.start,
               end = excluded.end, join_url = excluded.join_url, platform = excluded.platform, status = excluded.status`,
        ).run(c.provider, c.eventId, c.title, c.start, c.end, c.joinUrl, c.platform, c.status);
      }
      const ids2 = new Map<string, number>();
      for (const m of writes.meetings) {
        const row = sql(
          db,
          `INSERT INTO meetings (provider, external_id, calendar_event_id, title, start, end, join_url, platform, status,
               status_at, duration_seconds, failure_reason, needs_retry_callback, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (provider, external_id) DO UPDATE SET calendar_event_id = excluded.calendar_event_id,
               title = excluded.title, start = excluded.start, end = excluded.end, join_url = excluded.join_url,
               platform = excluded.platform, status = excluded.status, status_at = excluded.status_at,
               duration_seconds = excluded.duration_seconds, failure_reason = excluded.failure_reason,
               needs_retry_callback = excluded.needs_retry_callback, updated_at = excluded.updated_at
             RETURNING id`,
        ).get(
          m.provider,
          m.externalId,
          m.calendarEventId,
          m.title,
          m.start,
          m.end,
          m.joinUrl,
          m.platform,
          m.status,
          m.statusAt,
          m.durationSeconds,
          m.failureReason,
          m.needsRetryCallback ? 1 : 0,
          now,
        ) as { id: number };
        ids2.set(m.key, row.id);
      }
      const idOf = (key: string) => ids2.get(key) as number;
      for (const t of writes.timeline) {
        sql(
          db,
          "INSERT OR IGNORE INTO timeline (meeting_id, delivery_id, at, status, provider_status, detail) VALUES (?, ?, ?, ?, ?, ?)",
        ).run(idOf(t.meetingKey), t.deliveryId, t.at, t.status, t.providerStatus, t.detail);
      }
      for (const p of writes.participants) {
        sql(
          db,
          "INSERT INTO participants (meeting_id, name, speaker) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET speaker = max(speaker, excluded.speaker)",
        ).run(idOf(p.meetingKey), p.name, p.speaker ? 1 : 0);
      }
      for (const a of writes.artifacts) {
        sql(
          db,
          `INSERT INTO artifacts (meeting_id, kind, url, download, state, attempts, error, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
             ON CONFLICT (meeting_id, kind) DO UPDATE SET url = excluded.url, download = excluded.download, state = excluded.state,
               attempts = excluded.attempts, error = excluded.error, next_at = NULL`,
        ).run(idOf(a.meetingKey), a.kind, a.url, a.download, a.state, a.attempts, a.error);
      }
      for (const p of writes.processed) {
        sql(
          db,
          "UPDATE deliveries SET status = 'processed', processed_at = ?, meeting_id = ? WHERE id = ?",
        ).run(now, p.meetingKey ? idOf(p.meetingKey) : null, p.deliveryId);
      }
      for (const f of writes.failed) {
        sql(db, "UPDATE deliveries SET status = 'failed', processed_at = ?, errors = ? WHERE id = ?").run(
          now,
          JSON.stringify([{ pointer: "", message: f.error }]),
          f.deliveryId,
        );
      }
      return {
        applied: ready.map((d) => ({ id: d.id, receivedAt: d.receivedAt })),
        deferred: deferred.length,
      };
    })();
    // Committed: what was applied is no longer pending, what was deferred goes back to the queue.
    for (const id of held) this.leases.delete(id);
    return outcome;
  }

  private loadState(meetingKeys: string[], calendarKeys: string[]): ProjectionState {
    const meetings = new Map<string, MeetingState>();
    for (const key of meetingKeys) {
      const [provider, externalId] = splitKey(key);
      const row = sql(this.work, "SELECT * FROM meetings WHERE provider = ? AND external_id = ?").get(
        provider,
        externalId,
      ) as MeetingRow | undefined;
      if (!row) continue;
      const artifacts = sql(
        this.work,
        "SELECT kind, url, download, state, attempts, error FROM artifacts WHERE meeting_id = ?",
      ).all(row.id) as ArtifactState[];
      meetings.set(key, meetingStateOf(row, artifacts));
    }
    const calendarEvents = new Map<string, CalendarEventFact>();
    for (const key of calendarKeys) {
      const [provider, eventId] = splitKey(key);
      const row = sql(
        this.work,
        "SELECT event_id AS eventId, title, start, end, join_url AS joinUrl, platform, status FROM calendar_events WHERE provider = ? AND event_id = ?",
      ).get(provider, eventId) as CalendarEventFact | undefined;
      if (row) calendarEvents.set(calendarKey(provider, eventId), row);
    }
    return { meetings, calendarEvents };
  }

  async claimDownloads(limit: number, leaseMs: number): Promise<DownloadJob[]> {
    const now = new Date();
    return this.work.transaction(() => {
      const rows = sql(
        this.work,
        `SELECT a.meeting_id AS meetingId, a.kind, a.url, a.attempts, m.provider, a.download FROM artifacts a
           JOIN meetings m ON m.id = a.meeting_id
          WHERE a.state = 'queued' AND (a.next_at IS NULL OR a.next_at <= ?) LIMIT ?`,
      ).all(now.toISOString(), limit) as DownloadJob[];
      const lease = new Date(now.getTime() + leaseMs).toISOString();
      for (const r of rows)
        sql(this.work, "UPDATE artifacts SET next_at = ? WHERE meeting_id = ? AND kind = ?").run(
          lease,
          r.meetingId,
          r.kind,
        );
      return rows;
    })();
  }

  async dueDownloads(): Promise<number> {
    return (
      sql(
        this.work,
        "SELECT count(*) AS n FROM artifacts WHERE state = 'queued' AND (next_at IS NULL OR next_at <= ?)",
      ).get(new Date().toISOString()) as { n: number }
    ).n;
  }

  async finishDownload(job: DownloadJob, outcome: DownloadOutcome): Promise<void> {
    const db = this.work;
    const where = "WHERE meeting_id = ? AND kind = ? AND url = ?";
    const key = [job.meetingId, job.kind, job.url] as const;
    db.transaction(() => {
      switch (outcome.kind) {
        case "downloaded":
          sql(
            db,
            "INSERT INTO transcripts (meeting_id, source, segments, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET source = excluded.source, segments = excluded.segments, fetched_at = excluded.fetched_at",
          ).run(job.meetingId, outcome.source, JSON.stringify(outcome.segments), new Date().toISOString());
          sql(
            db,
            `UPDATE artifacts SET state = 'downloaded', error = NULL, next_at = NULL, attempts = attempts + 1 ${where}`,
          ).run(...key);
          return;
        case "expired":
          sql(
            db,
            `UPDATE artifacts SET state = 'expired', error = ?, next_at = NULL, attempts = attempts + 1 ${where}`,
          ).run(outcome.error, ...key);
          sql(db, "UPDATE meetings SET needs_retry_callback = 1 WHERE id = ?").run(job.meetingId);
          return;
        case "broken":
          sql(
            db,
            `UPDATE artifacts SET state = 'failed', error = ?, next_at = NULL, attempts = attempts + 1 ${where}`,
          ).run(outcome.error, ...key);
          return;
        case "retry":
          sql(db, `UPDATE artifacts SET state = 'queued', attempts = ?, next_at = ?, error = ? ${where}`).run(
            outcome.attempts,
            outcome.nextAt.toISOString(),
            outcome.error,
            ...key,
          );
          return;
        case "failed":
          sql(
            db,
            `UPDATE artifacts SET state = 'failed', attempts = ?, next_at = NULL, error = ? ${where}`,
          ).run(outcome.attempts, outcome.error, ...key);
          return;
      }
    })();
  }

  async listMeetings(filter: MeetingFilter): Promise<Meeting[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.provider) {
      where.push("provider = ?");
      params.push(filter.provider);
    }
    if (filter.status) {
      where.push("status = ?");
      params.push(filter.status);
    }
    const rows = sql(
      this.work,
      `SELECT * FROM meetings ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY updated_at DESC, id DESC LIMIT ?`,
    ).all(...params, filter.limit) as MeetingRow[];
    return rows.map((row) => this.meetingOf(row, false));
  }

  async getMeeting(id: number): Promise<Meeting | undefined> {
    const row = sql(this.work, "SELECT * FROM meetings WHERE id = ?").get(id) as MeetingRow | undefined;
    return row ? this.meetingOf(row, true) : undefined;
  }

  private meetingOf(row: MeetingRow, withTranscript: boolean): Meeting {
    const db = this.work;
    const timeline = sql(
      db,
      "SELECT at, status, provider_status, detail FROM timeline WHERE meeting_id = ? ORDER BY at, delivery_id",
    ).all(row.id) as TimelineRow[];
    const participants = sql(
      db,
      "SELECT name, speaker FROM participants WHERE meeting_id = ? ORDER BY name",
    ).all(row.id) as { name: string; speaker: number }[];
    const artifacts = sql(
      db,
      "SELECT kind, url, state, error FROM artifacts WHERE meeting_id = ? ORDER BY kind",
    ).all(row.id) as { kind: string; url: string; state: string; error: string | null }[];
    let transcript: string | null | undefined;
    if (withTranscript) {
      transcript =
        (
          sql(db, "SELECT segments FROM transcripts WHERE meeting_id = ?").get(row.id) as
            | { segments: string }
            | undefined
        )?.segments ?? null;
    }
    return meetingJson(
      { ...row, needs_retry_callback: row.needs_retry_callback === 1 },
      timeline,
      participants.map((p) => ({ name: p.name, speaker: p.speaker === 1 })),
      artifacts,
      transcript === undefined ? undefined : transcript === null ? null : JSON.parse(transcript),
    );
  }

  async deliveryBodies(
    provider: "cronofy" | "meetingbaas",
    since: string | undefined,
  ): Promise<StoredBody[]> {
    const rows = sql(
      this.work,
      "SELECT channel, received_at, body FROM deliveries WHERE provider = ? AND received_at >= ? ORDER BY id",
    ).all(provider, since ?? "") as { channel: string; received_at: string; body: Buffer }[];
    return rows.map((row) => ({ channel: row.channel, receivedAt: row.received_at, body: row.body }));
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ["status", filter.status],
      ["provider", filter.provider],
      ["event", filter.event],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (filter.before !== undefined) {
      where.push("id < ?");
      params.push(filter.before);
    }
    const rows = sql(
      this.work,
      `SELECT id, delivery_key, provider, channel, event, status, received_at, processed_at, attempts, meeting_id, errors, drift
         FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
    ).all(...params, filter.limit) as DeliveryRow[];
    return rows.map((row) =>
      deliveryJson({
        ...row,
        errors: row.errors ? JSON.parse(row.errors) : [],
        drift: row.drift ? JSON.parse(row.drift) : [],
      }),
    );
  }

  async rejectionCounts(): Promise<Record<string, number>> {
    const rows = sql(this.work, "SELECT code, count FROM rejections ORDER BY code").all() as {
      code: string;
      count: number;
    }[];
    return withQueued(rows, this.rejections);
  }

  async counts(): Promise<Counts> {
    const row = sql(
      this.work,
      `SELECT count(*) AS deliveries, coalesce(sum(attempts), 0) AS attempts,
              coalesce(sum(status = 'pending'), 0) AS pending, coalesce(sum(status = 'processed'), 0) AS processed,
              (SELECT count(*) FROM timeline) AS timeline
         FROM deliveries`,
    ).get() as Omit<Counts, "claimed">;
    const now = Date.now();
    return { ...row, claimed: [...this.leases.values()].filter((lease) => lease.until >= now).length };
  }

  async lag(since = new Date(0)): Promise<Lag> {
    const rows = sql(
      this.work,
      "SELECT received_at, processed_at FROM deliveries WHERE status = 'processed' AND processed_at >= ?",
    ).all(since.toISOString()) as { received_at: string; processed_at: string }[];
    return lagOf(rows.map((r) => Date.parse(r.processed_at) - Date.parse(r.received_at)));
  }

  async recordOperations(
    process: string,
    role: "ingest" | "worker",
    rows: Omit<OperationsMinute, "process" | "role">[],
  ): Promise<void> {
    this.work.transaction(() => {
      for (const r of rows) {
        sql(
          this.work,
          `INSERT INTO operations (minute, process, role, outcome, count, lag_p99_ms) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (minute, process, outcome) DO UPDATE SET count = count + excluded.count,
               lag_p99_ms = coalesce(excluded.lag_p99_ms, lag_p99_ms)`,
        ).run(r.minute, process, role, r.outcome, r.count, r.lagP99Ms);
      }
    })();
  }

  async operations(sinceMinutes: number): Promise<Operations> {
    const since = new Date(Date.now() - sinceMinutes * 60_000).toISOString().slice(0, 16);
    const minutes = (
      sql(
        this.work,
        "SELECT minute, process, role, outcome, count, lag_p99_ms FROM operations WHERE minute >= ? ORDER BY minute, process, outcome",
      ).all(since) as {
        minute: string;
        process: string;
        role: "ingest" | "worker";
        outcome: string;
        count: number;
        lag_p99_ms: number | null;
      }[]
    ).map((r) => ({ ...r, lagP99Ms: r.lag_p99_ms }));
    const counts = await this.counts();
    return {
      queueDepth: counts.pending,
      claimed: counts.claimed,
      minutes: minutes.map(({ lag_p99_ms: _, ...m }) => m),
    };
  }

  async close(): Promise<void> {
    this.flush();
    if (this.work !== this.db) this.work.close();
    this.db.close();
  }
}
