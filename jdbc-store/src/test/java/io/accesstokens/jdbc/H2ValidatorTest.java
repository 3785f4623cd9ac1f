package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cached validator on H2, in memory. */
class H2ValidatorTest extends AbstractTokenValidatorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
