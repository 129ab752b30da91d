// Store a batch of deliveries, the group commit's one transaction: each new delivery key gets its log row and its
// queue row together; a key stored before (or twice in the batch) is a duplicate, answered with the first one's id
// and never queued again.
import type { Channel, Provider } from "@meeting-webhooks/types";
import type { Database, Param, Queryable } from "../database/seam.js";
import { list, rowsOf } from "./sql.js";

export interface NewDelivery {
  deliveryKey: string;
  provider: Provider;
  channel: Channel;
  event: string | null;
  subject: string | null;
  status: "accepted" | "unknown" | "quarantined";
  headers: Record<string, string>;
  body: Buffer;
  issues: readonly unknown[] | null;
  drift: readonly unknown[] | null;
}

export interface Stored {
  id: number;
  duplicate: boolean;
}

const columns =
  "delivery_key, provider, channel, event, subject, status, headers, body, issues, drift, received_at";

function paramsOf(d: NewDelivery): Param[] {
  return [
    d.deliveryKey,
    d.provider,
    d.channel,
    d.event,
    d.subject,
    d.status,
    JSON.stringify(d.headers),
    d.body,
    d.issues && d.issues.length > 0 ? JSON.stringify(d.issues) : null,
    d.drift && d.drift.length > 0 ? JSON.stringify(d.drift) : null,
  ];
}

/** Log rows for the deliveries whose key is new; returns those it inserted (a known key inserts nothing). */
export async function insertLogRows(
  tx: Queryable,
  now: string,
  unique: readonly NewDelivery[],
): Promise<{ id: number; delivery_key: string; subject: string | null }[]> {
  return tx.query(
    `INSERT INTO inbox_deliveries (${columns}) VALUES ${rowsOf(1, unique.length, 10, `, ${now}`)}
     ON CONFLICT (delivery_key) DO NOTHING
     RETURNING id, delivery_key, subject`,
    unique.flatMap(paramsOf),
  );
}

export async function storeBatch(
  tx: Queryable,
  now: string,
  batch: readonly NewDelivery[],
): Promise<Stored[]> {
  const firsts = new Map<string, NewDelivery>();
  for (const delivery of batch)
    if (!firsts.has(delivery.deliveryKey)) firsts.set(delivery.deliveryKey, delivery);
  const unique = [...firsts.values()];
  const inserted = await insertLogRows(tx, now, unique);
  if (inserted.length > 0) {
    await tx.query(
      `INSERT INTO inbox_queue (delivery_id, subject, run_at) VALUES ${rowsOf(1, inserted.length, 2, `, ${now}`)}`,
      inserted.flatMap((row) => [row.id, row.subject]),
    );
  }
  const ids = new Map(inserted.map((row) => [row.delivery_key, row.id]));
  const fresh = new Set(ids.keys());
  const earlier = unique.filter((d) => !fresh.has(d.deliveryKey)).map((d) => d.deliveryKey);
  if (earlier.length > 0) {
    const rows = await tx.query<{ id: number; delivery_key: string }>(
      `SELECT id, delivery_key FROM inbox_deliveries WHERE delivery_key IN (${list(1, earlier.length)})`,
      earlier,
    );
    for (const row of rows) ids.set(row.delivery_key, row.id);
  }
  const answered = new Set<string>();
  return batch.map((delivery) => {
    const id = ids.get(delivery.deliveryKey);
    if (id === undefined) throw new Error(`delivery ${delivery.deliveryKey} was neither stored nor found`);
    const duplicate = !fresh.has(delivery.deliveryKey) || answered.has(delivery.deliveryKey);
    answered.add(delivery.deliveryKey);
    return { id, duplicate };
  });
}

/** PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01). */
const deadlocked = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === "40P01";

/**
 * One group commit: `storeBatch` in its own transaction. Two batches at once (in this process or another) that insert
 * some of the same new keys in crossed order, as duplicates sent close together do, each wait for the other's
 * uncommitted rows; PostgreSQL aborts one of them after `deadlock_timeout` (1 s by default). Nothing of that one was
 * stored, so it is stored again, a few times at most, and finds the other's rows as duplicates.
 */
export async function storeDeliveries(db: Database, batch: readonly NewDelivery[]): Promise<Stored[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => storeBatch(tx, db.dialect.now, batch));
    } catch (error) {
      if (attempt >= 5 || !deadlocked(error)) throw error;
    }
  }
}
