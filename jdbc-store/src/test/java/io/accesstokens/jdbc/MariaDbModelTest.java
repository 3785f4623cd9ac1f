package io.accesstokens.jdbc;

/** The model-based property test on a MariaDB server (ACCESS_TOKENS_TEST_MARIADB_URL). */
class MariaDbModelTest extends AbstractJdbcModelTest {
  @Override
  protected TestDatabase database() {
    return TestDatabase.mariaDb();
  }
}
