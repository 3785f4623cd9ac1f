-- access-tokens JDBC store: schema version 10 for MariaDB (10.5 or later) and MySQL (8.0.16 or
-- later): where each token's last use came from.
--
-- Applied by JdbcTokenStore.migrate() after version 8, once (recorded in ${prefix}schema_version).
-- Version 9 belongs to another change; the migrator applies whichever versions a database lacks,
-- so a database may gain 10 before 9. ${prefix} stands for the configured table prefix; it is the
-- only text ever substituted. Statements end with a semicolon at the end of a line. DDL is not
-- transactional here: the column is added by one statement, which adds it or not, so it can run
-- again after a failure.
--
-- last_used_from: the connection source address the validating host passed with the use whose time
-- last_used_at holds (io.accesstokens.ConnectionSource: 1 to 255 printable ASCII characters), or
-- NULL when it passed none; written by the same statement as last_used_at, so it always belongs to
-- the stored time. Every row written before this version reads as NULL. Nodes of an earlier version
-- neither write nor read it: their inserts leave it NULL, their updates keep it, and their flush
-- raises last_used_at alone (the address of an older use then stands beside a newer time until
-- the next flush of a node of this version).

ALTER TABLE ${prefix}tokens
  ADD COLUMN last_used_from VARCHAR(255) NULL;
