// Re-queue a delivery by hand: a dead one goes back into the queue with fresh attempts (its original id, so the
// deliveries of its subject still queued wait behind it again); one waiting for its next attempt runs now. A dead
// delivery that was forgotten stays dead: its body is gone, and a handler would get nothing to run on.
import type { Database } from "../database/seam.js";

/** True when the delivery was re-queued; false when it is handled, running, forgotten, or unknown. */
export async function retry(db: Database, id: number): Promise<boolean> {
  const { now } = db.dialect;
  return db.transaction(async (tx) => {
    const revived = await tx.query(
      `UPDATE inbox_deliveries SET outcome = NULL, finished_at = NULL
        WHERE id = $1 AND outcome = 'dead' AND forgotten_at IS NULL
       RETURNING id`,
      [id],
    );
    if (revived.length > 0) {
      await tx.query(
        `INSERT INTO inbox_queue (delivery_id, subject, run_at, last_error)
         SELECT id, subject, ${now}, last_error FROM inbox_deliveries WHERE id = $1`,
        [id],
      );
      return true;
    }
    const waiting = await tx.query(
      `UPDATE inbox_queue SET run_at = ${now}
        WHERE delivery_id = $1 AND (lease_until IS NULL OR lease_until < ${now})
        RETURNING delivery_id`,
      [id],
    );
    return waiting.length > 0;
  });
}
