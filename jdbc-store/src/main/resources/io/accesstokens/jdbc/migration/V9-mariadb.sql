-- access-tokens JDBC store: schema version 9 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- retiring a predecessor on its successor's first use.
--
-- Applied by JdbcTokenStore.migrate() after version 8, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted.
-- Statements end with a semicolon at the end of a line. DDL is not transactional here: the column
-- is added by one statement, which adds it or not, so it can run again after a failure. Adding a
-- last column with a default is an instant change on InnoDB (no row is rewritten).
--
-- retires_predecessor: TRUE for a successor made by TokenService.rotate with
-- PredecessorRetirement.FIRST_USE until a validator first accepts it and JdbcTokenStore's
-- retirePredecessor makes its predecessor (rotated_from) Inactive; FALSE otherwise, which every row
-- written before this version reads as (the default). No index: the flag is only ever read with
-- its row (the validator's lookup by digest) and written by primary key.
--
-- Rolling upgrade: a node of version 8 never reads the column, so it never retires a predecessor on
-- first use (a successor used only on such nodes keeps its predecessor to the end of the overlap);
-- its inserts leave it FALSE and its updates keep it. It follows the retirement that a newer node
-- makes: both rows' changes are logged as STATUS_CHANGED, a kind it knows, so its follower evicts
-- them and it refuses the predecessor within the refusal bound.

ALTER TABLE ${prefix}tokens
  ADD COLUMN retires_predecessor BOOLEAN NOT NULL DEFAULT FALSE;
