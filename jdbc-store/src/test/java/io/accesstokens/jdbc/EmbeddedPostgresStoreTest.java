package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK and the JDBC suites on the embedded PostgreSQL, started once for the test run. */
class EmbeddedPostgresStoreTest extends PostgresStoreTck {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  EmbeddedPostgresStoreTest() {
    super(DB);
  }
}
