-- Accounts, and the account that owns each project. email is kept as typed; email_key,
-- its lowercase form, identifies the account. password_hash is argon2id in the PHC string
-- format. A project without an account (account_id NULL) is the operator's: one made by
-- the CLI or the first start, or any project of a store from before accounts, until
-- `picket-server account adopt` gives it to an account.
CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
ALTER TABLE projects ADD COLUMN account_id BIGINT REFERENCES accounts (id);
CREATE INDEX projects_account ON projects (account_id);
