package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;

class MemoryValidatorTest extends AbstractTokenValidatorTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
