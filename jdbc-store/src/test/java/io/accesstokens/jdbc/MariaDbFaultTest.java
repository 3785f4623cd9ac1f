package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractFaultTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Injected store faults (down, fails after the write) on a MariaDB server. */
class MariaDbFaultTest extends AbstractFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
