package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store's own checks on the embedded PostgreSQL. */
class EmbeddedPostgresJdbcStoreTest extends AbstractJdbcStoreTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
