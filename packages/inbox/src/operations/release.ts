// Give back deliveries claimed ahead but never started (a stopping worker's prefetched ones): the lease goes and the
// claim's count of runs is taken back, so they run next in this or another process as if never claimed. Only the
// lease's holder releases; a delivery whose lease passed to another worker is left as it is.
import type { Database } from "../database/seam.js";
import { list } from "./sql.js";

export async function release(db: Database, owner: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db.query<{ delivery_id: number }>(
    `UPDATE inbox_queue SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
      WHERE lease_owner = $1 AND delivery_id IN (${list(2, ids.length)})
      RETURNING delivery_id`,
    [owner, ...ids],
  );
  return rows.length;
}
