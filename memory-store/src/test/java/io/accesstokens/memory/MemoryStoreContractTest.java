package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;

class MemoryStoreContractTest extends AbstractTokenStoreContractTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
