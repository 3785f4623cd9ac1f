-- access-tokens JDBC store: schema version 3 for PostgreSQL (12 or later): indexes for the list's
-- filters.
--
-- Applied by JdbcTokenStore.migrate() after version 2, once, in one transaction with its row in
-- ${prefix}schema_version. ${prefix} stands for the configured table prefix; it is the only text ever
-- substituted. Statements end with a semicolon at the end of a line.
--
-- The page's table filtered by status ("inactive only") or by environment: one organization's
-- matching tokens by creation time, then id, as the unfiltered page reads tokens_list_ix. Without
-- them such a page read the organization's rows in list order and dropped the others: at 1,000,000
-- tokens in one organization, 494 ms a page for "inactive only" when inactive tokens are few.
-- Building them locks writes to the table for as long as the build takes (seconds per million rows);
-- a host that cannot have that may create them beforehand with CREATE INDEX CONCURRENTLY under these
-- names, and this migration then leaves them as they are.

CREATE INDEX IF NOT EXISTS ${prefix}tokens_status_ix ON ${prefix}tokens (organization, status, created_at, id_key);

CREATE INDEX IF NOT EXISTS ${prefix}tokens_environment_ix ON ${prefix}tokens (organization, environment, created_at, id_key);
