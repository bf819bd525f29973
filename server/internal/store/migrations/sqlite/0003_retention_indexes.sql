-- Retention: the sweeper deletes expired tokens, then codes that have expired and from which
-- no token remains. These indexes let it find them without reading the whole tables.
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);
CREATE INDEX tokens_expires ON tokens (expires_at);
