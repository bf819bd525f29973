-- The project whose first keys an account's first log-in issues. A sign-up on the
-- dashboard creates the account and "My First Project" without keys, so that its answer
-- is the same whether the address was new or taken (it cannot show keys); the first
-- successful log-in issues them and sets this back to NULL in the same transaction, so
-- they are issued, and shown, once. NULL for accounts whose keys are issued (and for
-- accounts made by `account create`, which prints them at once, and every account from
-- before this migration).
ALTER TABLE accounts ADD COLUMN first_keys_project BIGINT REFERENCES projects (id);
