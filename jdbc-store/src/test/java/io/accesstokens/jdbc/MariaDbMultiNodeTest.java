package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes on the MariaDB named by ACCESS_TOKENS_TEST_MARIADB_URL, their followers polling.
 */
class MariaDbMultiNodeTest extends AbstractMultiNodeTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }

  @Override
  protected JdbcChangeFeed.Mode mode() {
    return JdbcChangeFeed.Mode.POLLING;
  }
}
