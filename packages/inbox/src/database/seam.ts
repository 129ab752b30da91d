// The seam every operation runs over: two methods (`query`, `transaction`) and the few facts in which the engines'
// SQL differs (the clock, SKIP LOCKED, the locks that serialise claims and migrations). Each operation is written once
// against it, with PostgreSQL-style `$1` placeholders, which SQLite reads as named parameters.

/** What a statement's parameters may be on both engines (no booleans or undefined: SQLite has neither). */
export type Param = string | number | Buffer | null;

export interface Statement {
  sql: string;
  params: readonly Param[];
}

export interface Queryable {
  /** One statement; the rows it returns (an empty list for statements without RETURNING). */
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly Param[]): Promise<R[]>;
}

export interface Dialect {
  readonly engine: "sqlite" | "postgres";
  /**
   * An SQL expression: milliseconds since the epoch by the database's clock. Every lease, run time and receipt time
   * is read from the one clock that all processes share, never from a process's own.
   */
  readonly now: string;
  /** Appended to the claim's inner SELECT: `FOR UPDATE SKIP LOCKED` where rows have locks, nothing on SQLite. */
  readonly skipLocked: string;
  /** Run first in every claim transaction: serialises claims where several run at once (see operations/claim.ts). */
  readonly claimLock: Statement | undefined;
  /** Run first in the migration transaction: one migrator at a time, and the schema to migrate into. */
  readonly beforeMigrating: readonly Statement[];
  /** Group commits that may be in flight at once: 1 where a write blocks the process anyway. */
  readonly commitsInFlight: number;
}

export interface Database extends Queryable {
  readonly dialect: Dialect;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
