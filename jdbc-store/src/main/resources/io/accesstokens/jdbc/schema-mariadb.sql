-- access-tokens JDBC store: schema version 1 for MariaDB (10.5 or later) and MySQL (8.0.16 or later).
--
-- Applied by JdbcTokenStore.migrate(), which records it in ${prefix}schema_version and never applies
-- it twice. ${prefix} stands for the configured table prefix (default "at_"); it is the only text
-- ever substituted. Statements end with a semicolon at the end of a line. The indexes are declared
-- inside CREATE TABLE, so a rerun after a failure half-way (DDL is not transactional here) completes.
--
-- Never stored: a token's clear value. Kept: its lookup digest (and how it was computed), the masked
-- value the list shows, and the value sealed for Copy (absent under the digest-only policy).
--
-- Text is utf8mb4 with a binary collation: descriptions keep every Unicode character, and
-- comparisons are exact (organization "acme" is not "ACME"). Identifiers are ASCII by their rule.

CREATE TABLE IF NOT EXISTS ${prefix}tokens (
  -- The token id's 64 bits with the sign bit flipped (bits XOR 0x8000000000000000): signed BIGINT
  -- order is then the unsigned order of ids, which is the order of their text form.
  id_key         BIGINT          NOT NULL,
  organization   VARCHAR(128)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  environment    VARCHAR(128)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  masked_value   VARCHAR(64)     NOT NULL,
  status         VARCHAR(16)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- At most 256 code points (utf8mb4 counts characters; up to 1,024 bytes).
  description    VARCHAR(256),
  scope          VARCHAR(32)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- Microseconds since 1970-01-01T00:00:00Z (the precision core keeps).
  created_at     BIGINT          NOT NULL,
  updated_at     BIGINT          NOT NULL,
  version        BIGINT          NOT NULL,
  digest_key_id  VARCHAR(40)     NOT NULL,
  digest         VARBINARY(32)   NOT NULL,
  sealed_key_id  VARCHAR(32),
  sealed_value   VARBINARY(256),
  CONSTRAINT ${prefix}tokens_pk PRIMARY KEY (id_key),
  -- The validator's lookup, and the rule that no two tokens share a digest.
  CONSTRAINT ${prefix}tokens_digest_uq UNIQUE KEY (digest, digest_key_id),
  -- The page's table: one organization's tokens by creation time, then id (keyset pagination). Its
  -- status and environment filters have indexes of their own, from version 3 (migration/V3-*.sql).
  KEY ${prefix}tokens_list_ix (organization, created_at, id_key),
  CONSTRAINT ${prefix}tokens_version_ck CHECK (version >= 1),
  CONSTRAINT ${prefix}tokens_sealed_ck CHECK ((sealed_key_id IS NULL) = (sealed_value IS NULL))
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
