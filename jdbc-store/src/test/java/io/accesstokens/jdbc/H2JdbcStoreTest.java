package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store's own checks on H2, in memory. */
class H2JdbcStoreTest extends AbstractJdbcStoreTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
