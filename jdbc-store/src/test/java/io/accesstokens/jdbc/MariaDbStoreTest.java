package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK and the JDBC suites on the MariaDB named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbStoreTest extends ServerStoreTck {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  MariaDbStoreTest() {
    super(DB);
  }
}
