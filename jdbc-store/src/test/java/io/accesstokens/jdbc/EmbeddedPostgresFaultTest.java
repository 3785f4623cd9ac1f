package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractFaultTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Injected store faults (down, fails after the write) on the embedded PostgreSQL. */
class EmbeddedPostgresFaultTest extends AbstractFaultTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
