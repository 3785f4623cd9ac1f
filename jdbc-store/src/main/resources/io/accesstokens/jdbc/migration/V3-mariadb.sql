-- access-tokens JDBC store: schema version 3 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- indexes for the list's filters.
--
-- Applied by JdbcTokenStore.migrate() after version 2, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted. Statements
-- end with a semicolon at the end of a line. DDL is not transactional here: both indexes are added
-- by one statement, which adds both or neither, so it can run again after a failure (MySQL has no
-- IF NOT EXISTS for an index).
--
-- The page's table filtered by status ("inactive only") or by environment: one organization's
-- matching tokens by creation time, then id, as the unfiltered page reads tokens_list_ix. InnoDB
-- builds them in place, with writes going on meanwhile.

ALTER TABLE ${prefix}tokens
  ADD INDEX ${prefix}tokens_status_ix (organization, status, created_at, id_key),
  ADD INDEX ${prefix}tokens_environment_ix (organization, environment, created_at, id_key);
