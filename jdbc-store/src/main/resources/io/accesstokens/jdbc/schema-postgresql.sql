-- access-tokens JDBC store: schema version 1 for PostgreSQL (12 or later).
--
-- Applied by JdbcTokenStore.migrate(), which records it in ${prefix}schema_version and never applies
-- it twice. ${prefix} stands for the configured table prefix (default "at_"); it is the only text
-- ever substituted. Statements end with a semicolon at the end of a line. Tables go to the first
-- schema of the connection's search_path.
--
-- Never stored: a token's clear value. Kept: its lookup digest (and how it was computed), the masked
-- value the list shows, and the value sealed for Copy (absent under the digest-only policy).

CREATE TABLE IF NOT EXISTS ${prefix}tokens (
  -- The token id's 64 bits with the sign bit flipped (bits XOR 0x8000000000000000): signed BIGINT
  -- order is then the unsigned order of ids, which is the order of their text form.
  id_key         BIGINT         NOT NULL,
  organization   VARCHAR(128)   NOT NULL,
  environment    VARCHAR(128)   NOT NULL,
  masked_value   VARCHAR(64)    NOT NULL,
  status         VARCHAR(16)    NOT NULL,
  -- At most 256 code points (PostgreSQL counts characters, not bytes).
  description    VARCHAR(256),
  scope          VARCHAR(32)    NOT NULL,
  -- Microseconds since 1970-01-01T00:00:00Z (the precision core keeps).
  created_at     BIGINT         NOT NULL,
  updated_at     BIGINT         NOT NULL,
  version        BIGINT         NOT NULL,
  digest_key_id  VARCHAR(40)    NOT NULL,
  digest         BYTEA          NOT NULL,
  sealed_key_id  VARCHAR(32),
  sealed_value   BYTEA,
  CONSTRAINT ${prefix}tokens_pk PRIMARY KEY (id_key),
  -- The validator's lookup, and the rule that no two tokens share a digest.
  CONSTRAINT ${prefix}tokens_digest_uq UNIQUE (digest, digest_key_id),
  CONSTRAINT ${prefix}tokens_digest_ck CHECK (octet_length(digest) = 32),
  CONSTRAINT ${prefix}tokens_sealed_value_ck CHECK (octet_length(sealed_value) BETWEEN 1 AND 256),
  CONSTRAINT ${prefix}tokens_version_ck CHECK (version >= 1),
  CONSTRAINT ${prefix}tokens_sealed_ck CHECK ((sealed_key_id IS NULL) = (sealed_value IS NULL))
);

-- The page's table: one organization's tokens by creation time, then id (keyset pagination). Its
-- status and environment filters have indexes of their own, from version 3 (migration/V3-*.sql).
CREATE INDEX IF NOT EXISTS ${prefix}tokens_list_ix ON ${prefix}tokens (organization, created_at, id_key);
