-- The inbox's tables on PostgreSQL; migrations/sqlite/001_log_and_queue.sql is the same schema in SQLite's types
-- (test/schema.test.ts reads both catalogs and compares them), and says what each column is for. Each statement ends
-- with `;` at the end of a line.

-- The log: written when a delivery is received and once more when it is done; claims never touch it.
CREATE TABLE inbox_deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_key TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  channel TEXT NOT NULL,
  event TEXT,
  subject TEXT,
  status TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  headers TEXT NOT NULL,
  body BYTEA NOT NULL,
  issues TEXT,
  drift TEXT,
  outcome TEXT,
  attempts INTEGER,
  last_error TEXT,
  finished_at BIGINT
);
CREATE INDEX inbox_deliveries_dead ON inbox_deliveries (id) WHERE outcome = 'dead';

-- The queue, narrow and short-lived. Half of each page stays free so that a claim or a lease extension (no indexed
-- column changes) is a HOT update: a new row version on the same page, no new index entries.
CREATE TABLE inbox_queue (
  delivery_id BIGINT PRIMARY KEY REFERENCES inbox_deliveries (id),
  subject TEXT,
  run_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT
) WITH (fillfactor = 50);
CREATE INDEX inbox_queue_subject ON inbox_queue (subject, delivery_id) WHERE subject IS NOT NULL;
