-- access-tokens JDBC store: schema version 5 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- token expiry.
--
-- Applied by JdbcTokenStore.migrate() after version 3, once (recorded in ${prefix}schema_version).
-- Version 4 belongs to another change; the migrator applies whichever versions a database lacks, so
-- a database may gain 5 before 4. ${prefix} stands for the configured table prefix; it is the only
-- text ever substituted. Statements end with a semicolon at the end of a line. DDL is not
-- transactional here: the column and its index are added by one statement, which adds both or
-- neither, so it can run again after a failure.
--
-- expires_at: when the token stops validating, in microseconds since 1970-01-01T00:00:00Z; NULL is
-- never, which every row written before this version reads as. Nodes of an earlier version neither
-- write nor read it: their inserts leave it NULL, their updates keep it, and they validate a token
-- past its expiry (see docs/jdbc-store.md on the rolling upgrade). The index is for one
-- organization's tokens by expiry: those expiring within a period, and those without one.

ALTER TABLE ${prefix}tokens
  ADD COLUMN expires_at BIGINT NULL,
  ADD INDEX ${prefix}tokens_expiry_ix (organization, expires_at, id_key);
