-- access-tokens JDBC store: schema version 4 for PostgreSQL (12 or later): each organization's token
-- count, for its limit.
--
-- Applied by JdbcTokenStore.migrate() after version 3, once, in one transaction with its row in
-- ${prefix}schema_version. ${prefix} stands for the configured table prefix; it is the only text ever
-- substituted. Statements end with a semicolon at the end of a line.
--
-- An insert takes a place in its organization's row (UPDATE ... WHERE token_count < limit, which
-- locks the row to the commit) and a delete gives one back, in the same transaction as the token's
-- row: creates on several nodes never exceed a limit. Active and inactive tokens count alike. The
-- rows of organizations that hold tokens already are made here, counting them under a lock that
-- holds writes to the tokens table back for as long as the count takes (well under a second per
-- million rows); a new organization's row is made by its first create, the same way.

CREATE TABLE IF NOT EXISTS ${prefix}organization_counts (
  organization   VARCHAR(128)   NOT NULL,
  token_count    BIGINT         NOT NULL,
  CONSTRAINT ${prefix}organization_counts_pk PRIMARY KEY (organization),
  CONSTRAINT ${prefix}organization_counts_ck CHECK (token_count >= 0)
);

LOCK TABLE ${prefix}tokens IN SHARE MODE;

INSERT INTO ${prefix}organization_counts (organization, token_count)
  SELECT t.organization, COUNT(*) FROM ${prefix}tokens t GROUP BY t.organization
  ON CONFLICT (organization) DO NOTHING;
