package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractChangeFollowerTest;

class MemoryChangeFollowerTest extends AbstractChangeFollowerTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
