package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;

class MemoryServiceTest extends AbstractTokenServiceTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
