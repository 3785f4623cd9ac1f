package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK and the JDBC suites on the external PostgreSQL named by
 * ACCESS_TOKENS_TEST_POSTGRESQL_URL.
 */
class PostgresStoreTest extends PostgresStoreTck {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  PostgresStoreTest() {
    super(DB);
  }
}
