-- access-tokens JDBC store: schema version 3 for H2 (2.x): indexes for the list's filters.
--
-- Applied by JdbcTokenStore.migrate() after version 2, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted. Statements
-- end with a semicolon at the end of a line. Every statement can run again after a failure half-way.
--
-- The page's table filtered by status ("inactive only") or by environment: one organization's
-- matching tokens by creation time, then id, as the unfiltered page reads tokens_list_ix.

CREATE INDEX IF NOT EXISTS ${prefix}tokens_status_ix ON ${prefix}tokens (organization, status, created_at, id_key);

CREATE INDEX IF NOT EXISTS ${prefix}tokens_environment_ix ON ${prefix}tokens (organization, environment, created_at, id_key);
