package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractBadInputTest;

class MemoryBadInputTest extends AbstractBadInputTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
