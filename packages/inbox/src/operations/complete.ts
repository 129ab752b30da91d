// Record deliveries as handled: the log row takes its final state (runs taken, the last failure before the success)
// and the queue row goes, in one transaction. Whoever holds the lease, a success is a success: a delivery whose lease
// ran out while its handler still finished is not run again once this commits.
import type { Queryable } from "../database/seam.js";
import { list } from "./sql.js";

/** What the log adds to a run's end for the observer: its event, and how long since the delivery was received. */
export interface Finished {
  id: number;
  event: string | null;
  /** From `received_at` to the commit that recorded the run's end, both by the database's clock. */
  lagMs: number;
}

/** The columns of a `Finished`, returned by the statement that gives a log row its final state. */
export const returningFinished = "RETURNING id, event, finished_at - received_at AS lag_ms";

export const finishedOf = (row: { id: number; event: string | null; lag_ms: number }): Finished => ({
  id: row.id,
  event: row.event,
  lagMs: Number(row.lag_ms),
});

/** Returns the deliveries this commit handled: none that another success had recorded first. */
export async function complete(tx: Queryable, now: string, ids: readonly number[]): Promise<Finished[]> {
  if (ids.length === 0) return [];
  const queued = (column: string) =>
    `(SELECT q.${column} FROM inbox_queue q WHERE q.delivery_id = inbox_deliveries.id)`;
  const handled = await tx.query<{ id: number; event: string | null; lag_ms: number }>(
    `UPDATE inbox_deliveries
        SET outcome = 'handled', attempts = ${queued("attempts")}, last_error = ${queued("last_error")},
            finished_at = ${now}
      WHERE id IN (${list(1, ids.length)}) AND outcome IS NULL
        AND EXISTS (SELECT 1 FROM inbox_queue q WHERE q.delivery_id = inbox_deliveries.id)
      ${returningFinished}`,
    ids,
  );
  await tx.query(`DELETE FROM inbox_queue WHERE delivery_id IN (${list(1, ids.length)})`, ids);
  return handled.map(finishedOf);
}
