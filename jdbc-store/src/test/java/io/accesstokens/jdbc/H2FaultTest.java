package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractFaultTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Injected store faults (down, fails after the write) on H2, in memory. */
class H2FaultTest extends AbstractFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
