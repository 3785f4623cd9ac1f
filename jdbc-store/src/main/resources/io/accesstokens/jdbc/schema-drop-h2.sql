-- access-tokens JDBC store: drops every table of one table prefix on H2 (2.x), with every token
-- and change in them, for tests and for removing the store; nothing else is touched.
--
-- ${prefix} stands for the table prefix, as in the schema files; statements end with a semicolon at
-- the end of a line. JdbcTokenStore.migrate() creates the tables again, from version 1.

DROP TABLE IF EXISTS ${prefix}organization_counts;
DROP TABLE IF EXISTS ${prefix}changes_pruned;
DROP TABLE IF EXISTS ${prefix}changes;
DROP TABLE IF EXISTS ${prefix}tokens;
DROP TABLE IF EXISTS ${prefix}schema_version;
-- The row migrate() holds to keep other nodes out while it migrates (H2 has no named locks).
DROP TABLE IF EXISTS ${prefix}schema_lock;
