// SQLite through better-sqlite3: one connection per inbox, WAL with synchronous=FULL (a commit survives a crash of
// the process and of the machine), every transaction BEGIN IMMEDIATE. better-sqlite3 is synchronous, so the seam's
// asynchronous transactions are made safe by one queue per database file in this process: nothing else runs on that
// file between a transaction's statements (two inboxes on one file in one process would otherwise wait on each
// other's lock inside one thread).
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { Database, Dialect, Param, Queryable } from "./seam.js";

type Connection = BetterSqlite3.Database;

export const sqliteDialect: Dialect = {
  engine: "sqlite",
  now: "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
  skipLocked: "",
  // One writer at a time already: BEGIN IMMEDIATE takes the file's write lock.
  claimLock: undefined,
  beforeMigrating: [],
  commitsInFlight: 1,
};

/** One queue per file in this process: the statements of one transaction never interleave with another's. */
const queues = new Map<string, { tail: Promise<unknown>; users: number }>();

function named(params: readonly Param[]): Record<string, Param> {
  const values: Record<string, Param> = {};
  params.forEach((value, index) => {
    values[index + 1] = value;
  });
  return values;
}

/** Statements prepared once per connection: preparing costs more than running them. */
const prepared = new WeakMap<Connection, Map<string, BetterSqlite3.Statement>>();

function run<R>(connection: Connection, sql: string, params: readonly Param[]): R[] {
  let statements = prepared.get(connection);
  if (!statements) {
    statements = new Map();
    prepared.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    // Batches of every size have their own text: keep the cache from growing without end.
    if (statements.size > 500) statements.clear();
    statements.set(sql, statement);
  }
  const bound = params.length > 0 ? [named(params)] : [];
  if (statement.reader) return statement.all(...bound) as R[];
  statement.run(...bound);
  return [];
}

export interface SqliteOptions {
  path: string;
  /** How long a write waits for another process's lock before it fails (and the delivery is answered 503). */
  busyTimeoutMs?: number;
}

export async function openSqlite(options: SqliteOptions): Promise<Database> {
  const { default: Sqlite } = await import("better-sqlite3");
  const file = options.path === ":memory:" ? ":memory:" : resolve(options.path);
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const connection = new Sqlite(file);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = FULL");
  connection.pragma("foreign_keys = ON");
  connection.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 5000)}`);
  const key = file === ":memory:" ? `:memory:${Math.random()}` : file;
  const queue = queues.get(key) ?? { tail: Promise.resolve(), users: 0 };
  queue.users++;
  queues.set(key, queue);
  let closed = false;

  function exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const next = queue.tail.then(() => {
      if (closed) throw new Error("The inbox's SQLite database is closed.");
      return work();
    });
    queue.tail = next.catch(() => {});
    return next;
  }

  const direct: Queryable = {
    query: async <R extends object>(sql: string, params: readonly Param[] = []) =>
      run<R>(connection, sql, params),
  };

  return {
    dialect: sqliteDialect,
    query: (sql, params = []) => exclusive(() => run(connection, sql, params)),
    transaction: (work) =>
      exclusive(async () => {
        connection.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(direct);
          connection.exec("COMMIT");
          return result;
        } catch (error) {
          if (connection.inTransaction) connection.exec("ROLLBACK");
          throw error;
        }
      }),
    close: () =>
      exclusive(() => {
        closed = true;
        connection.close();
        if (--queue.users === 0) queues.delete(key);
      }),
  };
}
