package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC store's own checks on the PostgreSQL server named by ACCESS_TOKENS_TEST_POSTGRESQL_URL.
 */
class PostgresJdbcStoreTest extends AbstractJdbcStoreTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
