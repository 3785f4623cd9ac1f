package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action of the page on H2, in memory. */
class H2ServiceTest extends AbstractTokenServiceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
