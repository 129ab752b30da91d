-- Retention and erasure (src/retention.ts, src/plugins/erasure.ts): a downloaded transcript holds what people said,
-- so a retention pass blanks its segments once it is RETENTION_DAYS old and records when here; the row stays so that
-- the meeting can say its transcript was erased rather than never downloaded. Erasing a meeting on request deletes
-- the row with the meeting.
ALTER TABLE receiver_transcripts ADD COLUMN erased_at BIGINT;
