-- Dashboard sessions. digest is the hex SHA-256 of the session id (the id itself is only
-- in the browser's cookie). A session ends at expires_at (absolute) or when unused for
-- the server's idle limit since seen_at, whichever comes first.
CREATE TABLE sessions (
    digest TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
