-- access-tokens JDBC store: schema version 7 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- rotation with an overlap.
--
-- Applied by JdbcTokenStore.migrate() after version 6, once (recorded in ${prefix}schema_version).
-- Version 8 belongs to another change; the migrator applies whichever versions a database lacks.
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted.
-- Statements end with a semicolon at the end of a line. DDL is not transactional here: the column
-- and its index are added by one statement, which adds both or neither, so it can run again after a
-- failure.
--
-- rotated_from: the id_key of the token this one succeeded by TokenService.rotate; NULL for a token
-- created directly, which every row written before this version reads as. The unique index is the
-- rule that a token has at most one successor: of two rotations of one token committing at once, on
-- any nodes, the second's insert fails (unique indexes treat NULLs as distinct, so unrotated rows do
-- not collide). rotated_from leads the index, so no query by organization alone is ever planned on
-- it; the successor lookup gives both columns. (H2 has no such index: see V7-h2.sql.) Rolling
-- upgrade: a node of version 6 neither writes nor reads the column (its inserts
-- leave it NULL, its updates keep it), cannot rotate, and lists a successor without its predecessor;
-- it validates both tokens, and refuses the predecessor after the overlap by its expires_at, which
-- it reads. The predecessor's change is logged as STATUS_CHANGED and the successor as CREATED, kinds
-- it knows, so its follower evicts the predecessor's cached answer as usual.

ALTER TABLE ${prefix}tokens
  ADD COLUMN rotated_from BIGINT NULL,
  ADD UNIQUE INDEX ${prefix}tokens_successor_uq (rotated_from, organization);
