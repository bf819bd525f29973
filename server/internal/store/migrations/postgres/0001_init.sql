-- Projects, keys (SHA-256 digests only), redirect URIs, OAuth codes and tokens (digests
-- only), and the change counter every server process polls to rebuild its registry.
-- Times are unix seconds.
CREATE TABLE projects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('development', 'production')),
    created_at BIGINT NOT NULL
);
CREATE TABLE keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id),
    digest TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('publishable', 'secret')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX keys_project ON keys (project_id);
CREATE TABLE redirect_uris (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    uri TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, uri)
);
CREATE TABLE oauth_codes (
    digest TEXT PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id),
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    challenge TEXT NOT NULL,
    challenge_method TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE TABLE tokens (
    digest TEXT PRIMARY KEY,
    code_digest TEXT NOT NULL REFERENCES oauth_codes (digest),
    project_id BIGINT NOT NULL REFERENCES projects (id),
    client_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_code ON tokens (code_digest);
CREATE TABLE store_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO store_version (id, version) VALUES (1, 1);
