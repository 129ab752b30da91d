-- What drift analysis reads (`meeting-webhooks drift <database>`, the sample receiver's /api/drift): every stored
-- body with where and when it arrived, through a named view, so readers depend on this and not on the log's columns.
-- received_at is milliseconds since the epoch. A forgotten delivery (retention, erasure) has no body left to read.
CREATE VIEW inbox_captures AS
  SELECT id, provider, channel, event, received_at, body FROM inbox_deliveries WHERE forgotten_at IS NULL;
