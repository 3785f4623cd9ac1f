-- access-tokens JDBC store: schema version 4 for MariaDB (10.5 or later) and MySQL (8.0.16 or later):
-- each organization's token count, for its limit.
--
-- Applied by JdbcTokenStore.migrate() after version 3, once (recorded in ${prefix}schema_version).
-- ${prefix} stands for the configured table prefix; it is the only text ever substituted. Statements
-- end with a semicolon at the end of a line. Every statement can run again after a failure half-way.
--
-- An insert takes a place in its organization's row (UPDATE ... WHERE token_count < limit, which
-- locks the row to the commit) and a delete gives one back, in the same transaction as the token's
-- row: creates on several nodes never exceed a limit. Active and inactive tokens count alike. The
-- rows of organizations that hold tokens already are made here, counting them (the count reads
-- with shared locks, holding inserts back until it ends); a new organization's row is made by its
-- first create, the same way.

CREATE TABLE IF NOT EXISTS ${prefix}organization_counts (
  organization   VARCHAR(128)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  token_count    BIGINT          NOT NULL,
  CONSTRAINT ${prefix}organization_counts_pk PRIMARY KEY (organization),
  CONSTRAINT ${prefix}organization_counts_ck CHECK (token_count >= 0)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

INSERT IGNORE INTO ${prefix}organization_counts (organization, token_count)
  SELECT t.organization, COUNT(*) FROM ${prefix}tokens t GROUP BY t.organization;
