package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes on the external PostgreSQL named by ACCESS_TOKENS_TEST_POSTGRESQL_URL, their
 * followers woken by LISTEN/NOTIFY (and polling).
 */
class PostgresNotifyMultiNodeTest extends AbstractMultiNodeTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }

  @Override
  protected JdbcChangeFeed.Mode mode() {
    return JdbcChangeFeed.Mode.NOTIFY;
  }
}
