package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change log's feed contract on the external PostgreSQL named by
 * ACCESS_TOKENS_TEST_POSTGRESQL_URL.
 */
class PostgresChangeFeedTest extends AbstractJdbcChangeFeedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
