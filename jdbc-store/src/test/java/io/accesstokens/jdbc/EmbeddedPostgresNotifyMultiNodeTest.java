package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several nodes on the embedded PostgreSQL, their followers woken by LISTEN/NOTIFY (and polling).
 */
class EmbeddedPostgresNotifyMultiNodeTest extends AbstractMultiNodeTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }

  @Override
  protected JdbcChangeFeed.Mode mode() {
    return JdbcChangeFeed.Mode.NOTIFY;
  }
}
