package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's change follower suite with the tokens in the external PostgreSQL named by
 * ACCESS_TOKENS_TEST_POSTGRESQL_URL.
 */
class PostgresChangeFollowerTest extends AbstractJdbcChangeFollowerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
