-- access-tokens JDBC store: schema version 2 for PostgreSQL (12 or later): the change log that other
-- nodes follow.
--
-- Applied by JdbcTokenStore.migrate() after version 1, once, in one transaction with its row in
-- ${prefix}schema_version. ${prefix} stands for the configured table prefix; it is the only text ever
-- substituted. Statements end with a semicolon at the end of a line.
--
-- Every status change, description edit and delete inserts one row here, in the transaction of the
-- change and as its last statement (together with pg_notify on the channel ${prefix}changes, which
-- PostgreSQL delivers at commit), so the sequence is taken as late as possible before the commit. A
-- ChangeFollower on each node reads the rows above its position and evicts the tokens they name.
-- Nothing secret is kept: the token id (sign-flipped, as in ${prefix}tokens), what happened, the
-- token's version and when.

CREATE TABLE IF NOT EXISTS ${prefix}changes (
  -- Taken from one sequence in the order the inserts run. Transactions may commit out of that order,
  -- and a rolled-back one leaves a gap forever; the follower allows for both. CACHE 1 (the default)
  -- matters: with a larger cache each session would hand out numbers from a block of its own, out of
  -- time order, and a follower could give up a block as a gap before its numbers are used.
  seq            BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1),
  id_key         BIGINT         NOT NULL,
  -- STATUS_CHANGED, DESCRIPTION_EDITED or DELETED.
  change_type    VARCHAR(32)    NOT NULL,
  -- The token's version after the change (the version it had, for a delete).
  version        BIGINT         NOT NULL,
  -- Microseconds since 1970-01-01T00:00:00Z, from the writing node's clock; pruning goes by it.
  changed_at     BIGINT         NOT NULL,
  CONSTRAINT ${prefix}changes_pk PRIMARY KEY (seq)
);

-- Pruning finds the changes older than its cutoff.
CREATE INDEX IF NOT EXISTS ${prefix}changes_at_ix ON ${prefix}changes (changed_at);

-- One row: every change with a sequence up to pruned_through has been deleted. Raised in the same
-- transaction as the delete, so a follower that finds it above its position knows it missed changes.
CREATE TABLE IF NOT EXISTS ${prefix}changes_pruned (
  id             INT            NOT NULL,
  pruned_through BIGINT         NOT NULL,
  CONSTRAINT ${prefix}changes_pruned_pk PRIMARY KEY (id),
  CONSTRAINT ${prefix}changes_pruned_one_ck CHECK (id = 1)
);

INSERT INTO ${prefix}changes_pruned (id, pruned_through) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
