package io.accesstokens.jdbc;

/**
 * The model-based property test on an external PostgreSQL server
 * (ACCESS_TOKENS_TEST_POSTGRESQL_URL).
 */
class PostgresModelTest extends AbstractJdbcModelTest {
  @Override
  protected TestDatabase database() {
    return TestDatabase.postgres();
  }
}
