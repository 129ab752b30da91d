// A run failed: either run it again later (reschedule: the lease is released, the error kept, `run_at` moved by the
// backoff) or, when its attempts are spent, it is dead (bury: the log row takes its final state and last error, the
// queue row goes, so the deliveries after it in its subject run). Only the lease's holder does either: a worker whose
// lease passed to another changes nothing.
import type { Queryable } from "../database/seam.js";
import { type Finished, finishedOf, returningFinished } from "./complete.js";

export interface Failure {
  id: number;
  owner: string;
  error: string;
}

/** Returns the delivery rescheduled, or undefined when the lease was no longer this worker's. */
export async function reschedule(
  tx: Queryable,
  now: string,
  failure: Failure & { delayMs: number },
): Promise<Finished | undefined> {
  const logged = (expression: string) =>
    `(SELECT ${expression} FROM inbox_deliveries d WHERE d.id = inbox_queue.delivery_id)`;
  const [row] = await tx.query<{ id: number; event: string | null; lag_ms: number }>(
    `UPDATE inbox_queue SET run_at = ${now} + $1, lease_owner = NULL, lease_until = NULL, last_error = $2
      WHERE delivery_id = $3 AND lease_owner = $4
      RETURNING delivery_id AS id, ${logged("d.event")} AS event, ${logged(`${now} - d.received_at`)} AS lag_ms`,
    [Math.round(failure.delayMs), failure.error, failure.id, failure.owner],
  );
  return row && finishedOf(row);
}

/** Returns the delivery made dead, or undefined when the lease was no longer this worker's. */
export async function bury(tx: Queryable, now: string, failure: Failure): Promise<Finished | undefined> {
  const [row] = await tx.query<{ id: number; event: string | null; lag_ms: number }>(
    `UPDATE inbox_deliveries
        SET outcome = 'dead', last_error = $1, finished_at = ${now},
            attempts = (SELECT q.attempts FROM inbox_queue q WHERE q.delivery_id = inbox_deliveries.id)
      WHERE id = $2 AND outcome IS NULL
        AND EXISTS (SELECT 1 FROM inbox_queue q WHERE q.delivery_id = $2 AND q.lease_owner = $3)
      ${returningFinished}`,
    [failure.error, failure.id, failure.owner],
  );
  await tx.query("DELETE FROM inbox_queue WHERE delivery_id = $1 AND lease_owner = $2", [
    failure.id,
    failure.owner,
  ]);
  return row && finishedOf(row);
}
