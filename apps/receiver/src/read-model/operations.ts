// The operations view's counters: what each process did per minute (ingest outcomes, deliveries processed and the p99
// of their lag), and the requests refused before anything was stored, by code. Written in batches by the recorder
// (operations.ts), read by the operations page and the deliveries log.
import type { Database, Queryable } from "@meeting-webhooks/inbox/database";
import { int } from "./open.js";

/** One minute of one process's work, for the operations view. */
export interface OperationsMinute {
  minute: string;
  process: string;
  role: "ingest" | "worker";
  outcome: string;
  count: number;
  /** Workers: p99 of the lag from the 2xx to the meeting being updated, in ms. */
  lagP99Ms: number | null;
}

/** Adds one process's counts (and refusals by code) to the stored ones, in one transaction. */
export function recordOperations(
  db: Database,
  process: string,
  role: "ingest" | "worker",
  rows: Omit<OperationsMinute, "process" | "role">[],
  refusals: [code: string, count: number][],
): Promise<void> {
  return db.transaction(async (tx) => {
    for (const r of rows) {
      await tx.query(
        `INSERT INTO receiver_operations (minute, process, role, outcome, count, lag_p99_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (minute, process, outcome) DO UPDATE SET count = receiver_operations.count + excluded.count,
           lag_p99_ms = coalesce(excluded.lag_p99_ms, receiver_operations.lag_p99_ms)`,
        [r.minute, process, role, r.outcome, r.count, r.lagP99Ms],
      );
    }
    for (const [code, count] of refusals) {
      await tx.query(
        `INSERT INTO receiver_refusals (code, count) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET count = receiver_refusals.count + excluded.count`,
        [code, count],
      );
    }
  });
}

/** The minutes since `sinceMinutes` ago, oldest first. */
export async function operationsSince(db: Queryable, sinceMinutes: number): Promise<OperationsMinute[]> {
  const since = new Date(Date.now() - sinceMinutes * 60_000).toISOString().slice(0, 16);
  const rows = await db.query<{
    minute: string;
    process: string;
    role: "ingest" | "worker";
    outcome: string;
    count: number | string;
    lag_p99_ms: number | null;
  }>(
    `SELECT minute, process, role, outcome, count, lag_p99_ms FROM receiver_operations WHERE minute >= $1
      ORDER BY minute, process, outcome`,
    [since],
  );
  return rows.map((r) => ({
    minute: r.minute,
    process: r.process,
    role: r.role,
    outcome: r.outcome,
    count: int(r.count),
    lagP99Ms: r.lag_p99_ms === null ? null : Number(r.lag_p99_ms),
  }));
}

/** Requests refused before anything was stored, by code. */
export async function refusalCounts(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ code: string; count: number | string }>(
    "SELECT code, count FROM receiver_refusals ORDER BY code",
  );
  return Object.fromEntries(rows.map((r) => [r.code, int(r.count)]));
}
