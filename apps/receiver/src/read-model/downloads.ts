// What a download came to, written to the artifact (and the transcript): downloaded, expired (the meeting needs fresh
// URLs), broken against its contract, or failed for good; a retry is the inbox's (the handler throws).
import type { Database } from "@meeting-webhooks/inbox/database";
import type { TranscriptSegment } from "../providers/index.js";

export type DownloadOutcome =
  | { kind: "downloaded"; source: string; segments: TranscriptSegment[] }
  | { kind: "expired"; error: string }
  | { kind: "broken"; error: string }
  | { kind: "failed"; error: string }
  | { kind: "attempted"; error: string };

/** Records one download's outcome for a meeting's artifact, in one transaction. */
export function recordDownload(
  db: Database,
  meetingId: number,
  kind: string,
  outcome: DownloadOutcome,
): Promise<void> {
  return db.transaction(async (tx) => {
    const state = {
      downloaded: "downloaded",
      expired: "expired",
      broken: "failed",
      failed: "failed",
      attempted: "queued",
    }[outcome.kind];
    await tx.query(
      `UPDATE receiver_artifacts SET state = $3, attempts = attempts + 1, error = $4
        WHERE meeting_id = $1 AND kind = $2`,
      [meetingId, kind, state, outcome.kind === "downloaded" ? null : outcome.error],
    );
    if (outcome.kind === "downloaded") {
      await tx.query(
        `INSERT INTO receiver_transcripts (meeting_id, source, segments, fetched_at) VALUES ($1, $2, $3, ${db.dialect.now})
         ON CONFLICT (meeting_id) DO UPDATE SET source = excluded.source, segments = excluded.segments,
           fetched_at = excluded.fetched_at`,
        [meetingId, outcome.source, JSON.stringify(outcome.segments)],
      );
    }
    if (outcome.kind === "expired") {
      await tx.query(
        `UPDATE receiver_meetings SET needs_retry_callback = 1, updated_at = ${db.dialect.now} WHERE id = $1`,
        [meetingId],
      );
    }
  });
}
