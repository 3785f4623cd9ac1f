-- access-tokens JDBC store: schema version 2 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- the change log that other nodes follow.
--
-- Applied by JdbcTokenStore.migrate() after version 1, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted. Statements
-- end with a semicolon at the end of a line. DDL is not transactional here, so every statement can
-- run again after a failure half-way (indexes are declared inside CREATE TABLE).
--
-- Every status change, description edit and delete inserts one row here, in the transaction of the
-- change and as its last statement, so the sequence is taken as late as possible before the commit.
-- A ChangeFollower on each node reads the rows above its position and evicts the tokens they name.
-- Nothing secret is kept: the token id (sign-flipped, as in ${prefix}tokens), what happened, the
-- token's version and when.
--
-- AUTO_INCREMENT must hand out numbers in time order: one writing primary (not Galera with writes on
-- several nodes, whose auto_increment_offset interleaves numbers out of time order), and followers
-- that read that primary, not a lagging replica.

CREATE TABLE IF NOT EXISTS ${prefix}changes (
  -- Taken from the table's counter in the order the inserts run. Transactions may commit out of that
  -- order, and a rolled-back one leaves a gap forever; the follower allows for both.
  seq            BIGINT          NOT NULL AUTO_INCREMENT,
  id_key         BIGINT          NOT NULL,
  -- STATUS_CHANGED, DESCRIPTION_EDITED or DELETED.
  change_type    VARCHAR(32)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- The token's version after the change (the version it had, for a delete).
  version        BIGINT          NOT NULL,
  -- Microseconds since 1970-01-01T00:00:00Z, from the writing node's clock; pruning goes by it.
  changed_at     BIGINT          NOT NULL,
  CONSTRAINT ${prefix}changes_pk PRIMARY KEY (seq),
  -- Pruning finds the changes older than its cutoff.
  KEY ${prefix}changes_at_ix (changed_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- One row: every change with a sequence up to pruned_through has been deleted. Raised in the same
-- transaction as the delete, so a follower that finds it above its position knows it missed changes.
CREATE TABLE IF NOT EXISTS ${prefix}changes_pruned (
  id             INT             NOT NULL,
  pruned_through BIGINT          NOT NULL,
  CONSTRAINT ${prefix}changes_pruned_pk PRIMARY KEY (id),
  CONSTRAINT ${prefix}changes_pruned_one_ck CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

INSERT INTO ${prefix}changes_pruned (id, pruned_through) SELECT 1, 0 FROM DUAL
  WHERE NOT EXISTS (SELECT 1 FROM ${prefix}changes_pruned WHERE id = 1);
