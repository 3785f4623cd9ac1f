package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTenantIsolationTest;

class MemoryTenantIsolationTest extends AbstractTenantIsolationTest {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }
}
