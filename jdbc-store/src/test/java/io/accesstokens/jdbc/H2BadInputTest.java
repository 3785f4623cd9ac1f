package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractBadInputTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hostile input against every public entry point on H2, in memory. */
class H2BadInputTest extends AbstractBadInputTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
