// The row a team's own receiver would store per delivery: the inbox's log row without its processing columns
// (outcome, attempts, finished_at), so that the peer and pgbench write what the receiver writes at ingest, less its
// queue row. One table per engine, created by whoever runs first.

export const postgresPeerSchema = `
CREATE TABLE IF NOT EXISTS peer_deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_key TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  channel TEXT NOT NULL,
  event TEXT,
  subject TEXT,
  status TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  headers TEXT NOT NULL,
  body BYTEA NOT NULL
);
-- pgbench's payload: one row it copies into peer_deliveries on each transaction.
CREATE TABLE IF NOT EXISTS peer_payload (event TEXT, subject TEXT, headers TEXT NOT NULL, body BYTEA NOT NULL);
`;

export const sqlitePeerSchema = `
CREATE TABLE IF NOT EXISTS peer_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_key TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  channel TEXT NOT NULL,
  event TEXT,
  subject TEXT,
  status TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL
);
`;

export const peerInsert = {
  postgres: `INSERT INTO peer_deliveries (delivery_key, provider, channel, event, subject, status, received_at, headers, body)
             VALUES ($1, 'meetingbaas', 'webhook', $2, $3, 'accepted', $4, $5, $6) ON CONFLICT (delivery_key) DO NOTHING`,
  sqlite: `INSERT INTO peer_deliveries (delivery_key, provider, channel, event, subject, status, received_at, headers, body)
           VALUES (?, 'meetingbaas', 'webhook', ?, ?, 'accepted', ?, ?, ?) ON CONFLICT (delivery_key) DO NOTHING`,
} as const;
