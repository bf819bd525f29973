-- What a rolled key inherits from the key it replaces. lineage: the id of the first key of
-- the roll chain (NULL: the key's own id), so that a key never outranks the key it was
-- rolled from, nor an older chain. lifetime_seconds: the lifetime the key was issued with
-- (NULL: no expiry), which a roll gives the new key unless the caller asks otherwise.
ALTER TABLE keys ADD COLUMN lineage BIGINT;
ALTER TABLE keys ADD COLUMN lifetime_seconds BIGINT;
