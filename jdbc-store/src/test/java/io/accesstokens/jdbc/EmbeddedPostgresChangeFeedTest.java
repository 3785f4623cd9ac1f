package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The change log's feed contract on the embedded PostgreSQL. */
class EmbeddedPostgresChangeFeedTest extends AbstractJdbcChangeFeedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
