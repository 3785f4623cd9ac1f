package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The change log's feed contract on the MariaDB named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbChangeFeedTest extends AbstractJdbcChangeFeedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
