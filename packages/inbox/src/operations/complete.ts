// Record deliveries as handled: the log row takes its final state (runs taken, the last failure before the success)
// and the queue row goes, in one transaction. Whoever holds the lease, a success is a success: a delivery whose lease
// ran out while its handler still finished is not run again once this commits.
import type { Queryable } from "../database/seam.js";
import { list } from "./sql.js";

export async function complete(tx: Queryable, now: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const queued = (column: string) =>
    `(SELECT q.${column} FROM inbox_queue q WHERE q.delivery_id = inbox_deliveries.id)`;
  await tx.query(
    `UPDATE inbox_deliveries
        SET outcome = 'handled', attempts = ${queued("attempts")}, last_error = ${queued("last_error")},
            finished_at = ${now}
      WHERE id IN (${list(1, ids.length)}) AND outcome IS NULL
        AND EXISTS (SELECT 1 FROM inbox_queue q WHERE q.delivery_id = inbox_deliveries.id)`,
    ids,
  );
  await tx.query(`DELETE FROM inbox_queue WHERE delivery_id IN (${list(1, ids.length)})`, ids);
}
