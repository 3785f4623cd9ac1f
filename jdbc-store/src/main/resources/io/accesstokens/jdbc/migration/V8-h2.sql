-- access-tokens JDBC store: schema version 8 for H2 (2.x): when each token was last used.
--
-- Applied by JdbcTokenStore.migrate() after version 6, once (recorded in ${prefix}schema_version).
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
-- No index: the flush raises this column often (up to one write per token in use per interval),
-- and an index on it would make each such write update that index too (and, on PostgreSQL, every
-- index of the table, since a HOT update cannot change an indexed column), while the one query
-- that filters on it (TokenService.unusedSince, an operator's occasional question) walks one
-- organization's tokens through the list index anyway, in the list's order.

ALTER TABLE ${prefix}tokens ADD COLUMN IF NOT EXISTS last_used_at BIGINT;
