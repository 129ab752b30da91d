-- Erasure of what a delivery says; migrations/sqlite/002_forgotten.sql is the same in SQLite's types and says what
-- each column is for. Each statement ends with `;` at the end of a line.

ALTER TABLE inbox_deliveries ADD COLUMN forgotten_at BIGINT;
ALTER TABLE inbox_deliveries ADD COLUMN forgotten_by TEXT;
-- The completion that puts a row here is not a HOT update anyway: the dead index's predicate reads `outcome`.
CREATE INDEX inbox_deliveries_kept ON inbox_deliveries (received_at)
  WHERE outcome IS NOT NULL AND forgotten_at IS NULL;
