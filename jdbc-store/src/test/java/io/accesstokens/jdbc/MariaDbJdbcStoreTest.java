package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store's own checks on the MariaDB server named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbJdbcStoreTest extends AbstractJdbcStoreTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
