-- `counts()` is scraped every few seconds by metrics: it reads the queue and two partial indexes (dead, quarantined),
-- both as small as those deliveries are rare, never the whole log. migrations/postgres/003_quarantined_index.sql is
-- the same.
CREATE INDEX inbox_deliveries_quarantined ON inbox_deliveries (id) WHERE status = 'quarantined';
