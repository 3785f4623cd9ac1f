package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractFaultTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Injected store faults (down, fails after the write) on an external PostgreSQL server. */
class PostgresFaultTest extends AbstractFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
