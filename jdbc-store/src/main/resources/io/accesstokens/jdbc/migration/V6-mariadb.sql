-- access-tokens JDBC store: schema version 6 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- expiry reminders sent.
--
-- Applied by JdbcTokenStore.migrate() after version 5, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted. Statements
-- end with a semicolon at the end of a line. DDL is not transactional here: both columns are added
-- by one statement, which adds both or neither, so it can run again after a failure.
--
-- TokenService.remindExpiring sends a token's reminder for a threshold once, whichever node sends it:
-- a conditional UPDATE of these columns decides which node's call wins. reminded_for is the expiry
-- (epoch microseconds) the reminder was for, reminded_within_ms the tightest threshold reminded
-- (milliseconds); a token given another expiry is reminded afresh. NULL: never reminded. Nodes of an
-- earlier version neither read nor write them.

ALTER TABLE ${prefix}tokens
  ADD COLUMN reminded_for BIGINT NULL,
  ADD COLUMN reminded_within_ms BIGINT NULL;
