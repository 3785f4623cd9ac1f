package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TokenStore contract on H2, in memory. */
class H2StoreContractTest extends AbstractTokenStoreContractTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
