-- The sample receiver's own tables on SQLite, beside the inbox's log and queue in the same database: what its
-- handlers make of the deliveries (meetings, their timeline, participants, artifacts and transcripts, the calendar
-- events that name them) and the operations view's counters. postgres/001_read_model.sql is the same schema in
-- PostgreSQL's types (test/schema.test.ts compares the two catalogs). Run by the inbox's migration tool
-- (`@meeting-webhooks/inbox/database`), recorded in receiver_migrations. Each statement ends with `;` at the end of
-- a line. Times the receiver makes are milliseconds since the epoch; times a provider sent are kept as it sent them.

-- One meeting per Meeting Agent (`sub`) or bot (`bot_id`).
CREATE TABLE receiver_meetings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  external_id TEXT NOT NULL,
  calendar_event_id TEXT,
  title TEXT,
  start TEXT,
  "end" TEXT,
  join_url TEXT,
  platform TEXT,
  status TEXT NOT NULL,
  status_at TEXT,
  duration_seconds REAL,
  failure_reason TEXT,
  -- 1 when an artifact URL had expired: fresh URLs are needed (GET /v2/bots/{bot_id}, or a retry-callback; the
  -- name, like the API field needsRetryCallback, predates the provider documenting the former).
  needs_retry_callback INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  UNIQUE (provider, external_id)
);
CREATE INDEX receiver_meetings_updated ON receiver_meetings (updated_at, id);

-- One entry per delivery that moved a meeting: a redelivery writes the same row again.
CREATE TABLE receiver_timeline (
  meeting_id INTEGER NOT NULL,
  delivery_id BIGINT NOT NULL,
  at TEXT NOT NULL,
  status TEXT NOT NULL,
  provider_status TEXT,
  detail TEXT,
  PRIMARY KEY (meeting_id, delivery_id)
);

CREATE TABLE receiver_participants (
  meeting_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  speaker INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (meeting_id, name)
);

CREATE TABLE receiver_artifacts (
  meeting_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  -- The artifact contract a download is checked against (`meetingbaas/transcription`); null for a link only.
  download TEXT,
  -- queued | available | downloaded | expired | failed
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  PRIMARY KEY (meeting_id, kind)
);

CREATE TABLE receiver_transcripts (
  meeting_id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  -- JSON: the neutral segments {speaker, start, end, text}.
  segments TEXT NOT NULL,
  fetched_at BIGINT NOT NULL
);

CREATE TABLE receiver_calendar_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  title TEXT,
  start TEXT,
  "end" TEXT,
  join_url TEXT,
  platform TEXT,
  status TEXT,
  PRIMARY KEY (provider, event_id)
);

-- One row per minute, process and outcome, for the operations view.
CREATE TABLE receiver_operations (
  minute TEXT NOT NULL,
  process TEXT NOT NULL,
  role TEXT NOT NULL,
  outcome TEXT NOT NULL,
  count BIGINT NOT NULL,
  lag_p99_ms REAL,
  PRIMARY KEY (minute, process, outcome)
);

-- Requests refused as not authentic or not JSON, by code: never stored, only counted.
CREATE TABLE receiver_refusals (
  code TEXT PRIMARY KEY,
  count BIGINT NOT NULL
);
