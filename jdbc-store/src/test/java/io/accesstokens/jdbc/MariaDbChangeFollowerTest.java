package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Core's change follower suite with the tokens in the MariaDB named by
 * ACCESS_TOKENS_TEST_MARIADB_URL.
 */
class MariaDbChangeFollowerTest extends AbstractJdbcChangeFollowerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
