// The heartbeat: a running handler's leases are pushed forward while it runs, so a slow handler keeps its deliveries
// and only a stopped process's leases run out. Returns the ids still held (a lease that ran out before this may have
// passed to another worker: that run is no longer this worker's to record).
import type { Database } from "../database/seam.js";
import { list } from "./sql.js";

export async function extendLeases(
  db: Database,
  owner: string,
  ids: readonly number[],
  leaseMs: number,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ delivery_id: number }>(
    `UPDATE inbox_queue SET lease_until = ${db.dialect.now} + $1
      WHERE lease_owner = $2 AND delivery_id IN (${list(3, ids.length)})
      RETURNING delivery_id`,
    [leaseMs, owner, ...ids],
  );
  return rows.map((row) => row.delivery_id);
}
