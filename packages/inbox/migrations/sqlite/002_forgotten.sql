-- Erasure of what a delivery says (retention, or a person's request): `inbox.forget` blanks the body, headers,
-- issues, drift and last error of a finished delivery and marks the row. The row itself stays, so that a late retry
-- of its delivery key is still a duplicate. migrations/postgres/002_forgotten.sql is the same in PostgreSQL's types.

-- Milliseconds since the epoch (the database's clock) when the contents were erased; null while they are kept.
ALTER TABLE inbox_deliveries ADD COLUMN forgotten_at BIGINT;
-- retention | request: what erased them.
ALTER TABLE inbox_deliveries ADD COLUMN forgotten_by TEXT;
-- What a retention pass reads: finished deliveries whose contents are still kept, by age. A row enters it when it is
-- handled or dead and leaves it when it is forgotten, so the log's old, forgotten rows cost the pass nothing.
CREATE INDEX inbox_deliveries_kept ON inbox_deliveries (received_at)
  WHERE outcome IS NOT NULL AND forgotten_at IS NULL;
