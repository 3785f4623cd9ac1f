package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractFaultTest;

class MemoryFaultTest extends AbstractFaultTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
