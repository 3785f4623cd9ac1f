package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractBadInputTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hostile input against every public entry point on a MariaDB server. */
class MariaDbBadInputTest extends AbstractBadInputTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
