package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The change log's feed contract on H2, in memory. */
class H2ChangeFeedTest extends AbstractJdbcChangeFeedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
