package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenModelTest;

class MemoryModelTest extends AbstractTokenModelTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
