// Claim deliveries to run, under a lease. The per-subject rule lives here, decided at claim time: a delivery may run
// when no other queued delivery of its subject comes before it (waiting, retrying or running) and none is running
// now. So one meeting's deliveries run one at a time in id order, a failing one holds back those after it, and one
// that is dead (gone from the queue) no longer does. Deliveries without a subject have no such rule.
//
// On PostgreSQL the rule reads other rows than the ones it locks: two claims at once could each see the other's
// delivery as not running yet. Claims therefore take a transaction-level advisory lock first (one short statement
// each), and SKIP LOCKED keeps them from waiting on rows that completions and lease extensions hold.
import type { Database } from "../database/seam.js";
import { list } from "./sql.js";

export interface ClaimedDelivery {
  id: number;
  provider: string;
  channel: string;
  deliveryKey: string;
  subject: string | null;
  body: Buffer;
  /** When it was stored, in ms since the epoch by the database's clock. */
  receivedAt: number;
  /** Which run this is, 1 the first: claims count runs, so one cut short by a crash counts too. */
  attempt: number;
}

export async function claim(
  db: Database,
  owner: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const { now, skipLocked, claimLock } = db.dialect;
  return db.transaction(async (tx) => {
    if (claimLock) await tx.query(claimLock.sql, claimLock.params);
    const claimed = await tx.query<{ delivery_id: number; attempts: number }>(
      `UPDATE inbox_queue SET lease_owner = $1, lease_until = ${now} + $2, attempts = attempts + 1
        WHERE delivery_id IN (
          SELECT q.delivery_id FROM inbox_queue q
           WHERE q.run_at <= ${now} AND (q.lease_until IS NULL OR q.lease_until < ${now})
             AND NOT EXISTS (
               SELECT 1 FROM inbox_queue e
                WHERE e.subject = q.subject AND e.delivery_id <> q.delivery_id
                  AND (e.delivery_id < q.delivery_id OR e.lease_until >= ${now}))
           ORDER BY q.delivery_id LIMIT $3 ${skipLocked})
        RETURNING delivery_id, attempts`,
      [owner, leaseMs, limit],
    );
    if (claimed.length === 0) return [];
    const attempts = new Map(claimed.map((row) => [row.delivery_id, row.attempts]));
    const rows = await tx.query<{
      id: number;
      provider: string;
      channel: string;
      delivery_key: string;
      subject: string | null;
      body: Buffer;
      received_at: number | string;
    }>(
      `SELECT id, provider, channel, delivery_key, subject, body, received_at FROM inbox_deliveries
        WHERE id IN (${list(1, claimed.length)}) ORDER BY id`,
      claimed.map((row) => row.delivery_id),
    );
    return rows.map((row) => ({
      id: row.id,
      provider: row.provider,
      channel: row.channel,
      deliveryKey: row.delivery_key,
      subject: row.subject,
      body: row.body,
      // PostgreSQL returns BIGINT as a string: every time here is a safe integer of milliseconds.
      receivedAt: Number(row.received_at),
      attempt: attempts.get(row.id) as number,
    }));
  });
}
