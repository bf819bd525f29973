-- Retention: the sweeper deletes expired tokens, then codes that have expired and from which
-- no token remains. These indexes let it find them without reading the whole tables.
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);
CREATE INDEX tokens_expires ON tokens (expires_at);
-- The sweeper deletes continuously under a flood: vacuum these tables after every thousand
-- dead rows (not after a fifth of the table), so that their space is reused as soon as
-- autovacuum next wakes.
ALTER TABLE oauth_codes SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
ALTER TABLE tokens SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
