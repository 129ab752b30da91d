-- `counts()` reads the queue and two partial indexes (dead, quarantined), never the whole log;
-- migrations/sqlite/003_quarantined_index.sql says why.
CREATE INDEX inbox_deliveries_quarantined ON inbox_deliveries (id) WHERE status = 'quarantined';
