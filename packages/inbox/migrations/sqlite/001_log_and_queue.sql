-- The inbox's tables on SQLite; migrations/postgres/001_log_and_queue.sql is the same schema in PostgreSQL's types
-- (test/schema.test.ts reads both catalogs and compares them). Each statement ends with `;` at the end of a line.

-- The log: one row per delivery, written when it is received and once more when it is done (handled or dead).
-- Claims never touch it.
CREATE TABLE inbox_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_key TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  channel TEXT NOT NULL,
  event TEXT,
  -- What deliveries of one meeting share (receive's subjectOf): they run in id order, never two at once.
  subject TEXT,
  -- accepted | unknown | quarantined: what checking it against the contract said when it arrived.
  status TEXT NOT NULL,
  -- Milliseconds since the epoch, by the database's clock.
  received_at BIGINT NOT NULL,
  -- JSON: the headers that verify it again (signatures, ids, timestamps), never a secret.
  headers TEXT NOT NULL,
  -- The raw bytes as received.
  body BLOB NOT NULL,
  -- JSON: why a quarantined delivery breaks its contract.
  issues TEXT,
  -- JSON: what an accepted delivery has that the contract does not know yet.
  drift TEXT,
  -- handled | dead, once it is; null while it waits in the queue.
  outcome TEXT,
  attempts INTEGER,
  last_error TEXT,
  finished_at BIGINT
);
CREATE INDEX inbox_deliveries_dead ON inbox_deliveries (id) WHERE outcome = 'dead';

-- The queue: one narrow row per delivery still to handle, written in the same commit as its log row and deleted
-- when it is handled or dead.
CREATE TABLE inbox_queue (
  delivery_id INTEGER PRIMARY KEY REFERENCES inbox_deliveries (id),
  subject TEXT,
  run_at BIGINT NOT NULL,
  -- Runs started so far: a claim counts one, so a run cut short by a crash counts too.
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT
);
CREATE INDEX inbox_queue_subject ON inbox_queue (subject, delivery_id) WHERE subject IS NOT NULL;
