package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;

class MemorySecretLeakTest extends AbstractSecretLeakTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
