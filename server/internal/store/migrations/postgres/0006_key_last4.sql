-- The last four characters of a key, shown as a hint to tell keys apart: 16 of a key's
-- 128 random bits, and nothing more of it is kept. NULL for keys issued before it.
ALTER TABLE keys ADD COLUMN last4 TEXT;
