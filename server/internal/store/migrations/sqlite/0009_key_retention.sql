-- Retention of dead keys: the sweeper deletes keys revoked or expired longer ago than
-- -key-retention, so that issuing and revoking keys cannot grow the store without bound.
-- These indexes let it find them without reading the whole table.
CREATE INDEX keys_revoked ON keys (revoked_at);
CREATE INDEX keys_expires ON keys (expires_at);
