// What the receiver's own tables forget, beside the inbox's log: a whole meeting on request (DELETE
// /api/meetings/{id}), and downloaded transcripts once they are past retention. Both run inside the inbox's erasure
// transaction (`forget`'s and retention's `alsoErase`), so that the log and the read model never disagree.
import type { Queryable } from "@meeting-webhooks/inbox/database";
import { int } from "./open.js";

/** The meeting's identity as the inbox knows its deliveries (`subjectOf`: `<provider>:<external id>`), or undefined. */
export async function meetingSubject(db: Queryable, id: number): Promise<string | undefined> {
  const [row] = await db.query<{ provider: string; external_id: string }>(
    "SELECT provider, external_id FROM receiver_meetings WHERE id = $1",
    [id],
  );
  return row ? `${row.provider}:${row.external_id}` : undefined;
}

/**
 * Deletes a meeting and every row that hangs from it: timeline, participants, artifacts (their URLs may be signed)
 * and transcript. Returns whether the meeting was there. The calendar event that named it is the calendar's, not
 * the meeting's, and stays.
 */
export async function eraseMeeting(tx: Queryable, id: number): Promise<boolean> {
  for (const table of [
    "receiver_timeline",
    "receiver_participants",
    "receiver_artifacts",
    "receiver_transcripts",
  ])
    await tx.query(`DELETE FROM ${table} WHERE meeting_id = $1`, [id]);
  const deleted = await tx.query<{ id: number | string }>(
    "DELETE FROM receiver_meetings WHERE id = $1 RETURNING id",
    [id],
  );
  return deleted.length > 0 && int(deleted[0]?.id) === id;
}

/**
 * Blanks the transcripts downloaded before `before` (epoch ms by the database's clock, the inbox's cutoff) and marks
 * when; returns how many. A transcript erased already is left as it is, so a pass repeated erases nothing.
 */
export async function eraseTranscriptsBefore(tx: Queryable, now: string, before: number): Promise<number> {
  const erased = await tx.query(
    `UPDATE receiver_transcripts SET segments = '[]', erased_at = ${now}
      WHERE erased_at IS NULL AND fetched_at < $1 RETURNING meeting_id`,
    [before],
  );
  return erased.length;
}
