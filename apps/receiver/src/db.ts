// The receiver's storage: SQLite through better-sqlite3, WAL with synchronous=FULL (a committed delivery survives a
// crash of the process and of the machine), and group commit: every delivery that arrives while a commit is
// being prepared joins it, so one fsync covers many deliveries and each is acknowledged only after its commit.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

const statementCache = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** The statement for this SQL on this connection, prepared once: preparing costs more than running it. */
export function sql(db: Db, source: string): Database.Statement<unknown[]> {
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
];

/**
 * A second connection for derived data (meetings, timelines, transcripts): synchronous=NORMAL, so processing
 * never waits for an fsync. Its commits reach the disk with the next fsync of the deliveries connection (one WAL)
 * or a checkpoint; whatever a power cut takes from it is rebuilt from the deliveries, which are never lost.
 */
export function openProcessingConnection(path: string, primary: Db): Db {
  if (path === ":memory:") return primary;
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  const version = db.pragma("user_version", { simple: true }) as number;
  for (let i = version; i < migrations.length; i++) {
    db.transaction(() => {
      db.exec(migrations[i] as string);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}

export interface NewDelivery {
  deliveryKey: string;
  provider: string;
  channel: string;
  event: string | null;
  status: "pending" | "quarantined" | "unknown";
  headers: Record<string, string>;
  body: Buffer;
  errors?: unknown[] | undefined;
  drift?: unknown[] | undefined;
}

export interface StoredDelivery {
  id: number;
  duplicate: boolean;
}

interface Pending {
  delivery: NewDelivery;
  resolve(result: StoredDelivery): void;
  reject(error: unknown): void;
}

/**
 * Stores deliveries with group commit. `store()` resolves once the delivery's transaction is committed and fsynced;
 * every delivery that arrives in the same turn of the event loop joins that transaction, so one fsync covers a
 * whole burst. (Committing on a worker thread was measured slower here: two threads writing contend for SQLite's
 * lock, and the fsync is short next to the cost of moving bodies between threads.)
 */
export class DeliveryWriter {
  private queue: Pending[] = [];
  private rejections = new Map<string, number>();
  private scheduled = false;
  /** Called after each commit that stored deliveries (the processor listens). */
  onCommit: () => void = () => {};
  /** One transaction: the rejection counters and every delivery of the batch. Prepared once. */
  private readonly commit: (batch: NewDelivery[], rejections: [string, number][]) => StoredDelivery[];

  constructor(db: Db) {
    const insert = db.prepare<unknown[], { id: number; attempts: number }>(
      `INSERT INTO deliveries (delivery_key, provider, channel, event, status, received_at, headers, body, errors, drift)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (delivery_key) DO UPDATE SET attempts = attempts + 1
       RETURNING id, attempts`,
    );
    const count = db.prepare(
      "INSERT INTO rejections (code, count) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET count = count + ?",
    );
    this.commit = db.transaction((batch: NewDelivery[], rejections: [string, number][]) => {
      const now = new Date().toISOString();
      for (const [code, n] of rejections) count.run(code, n, n);
      return batch.map((d) => {
        const row = insert.get(
          d.deliveryKey,
          d.provider,
          d.channel,
          d.event,
          d.status,
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

  store(delivery: NewDelivery): Promise<StoredDelivery> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, resolve, reject });
      this.schedule();
    });
  }

  /** Counts a request refused as not authentic; nothing else about it is kept. */
  reject(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
    this.schedule();
  }

  /** Refusals counted since the last commit; `flush()` commits them. */
  pendingRejections(): ReadonlyMap<string, number> {
    return this.rejections;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits everything queued, in one transaction. */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 && this.rejections.size === 0) return;
    const batch = this.queue;
    const rejections = [...this.rejections];
    this.queue = [];
    this.rejections = new Map();
    let results: StoredDelivery[];
    try {
      results = this.commit(
        batch.map((p) => p.delivery),
        rejections,
      );
    } catch (error) {
      for (const pending of batch)
        pending.reject(new Error(`storing the delivery failed: ${(error as Error).message}`));
      return;
    }
    for (const [index, pending] of batch.entries()) pending.resolve(results[index] as StoredDelivery);
    if (batch.length > 0) this.onCommit();
  }
}
