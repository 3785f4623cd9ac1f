package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTwoNodeConcurrencyTest;

/** Two services in one JVM share one memory store, as two nodes share one database. */
class MemoryTwoNodeConcurrencyTest extends AbstractTwoNodeConcurrencyTest {
  @Override
  protected TokenStore[] createNodeStores() {
    MemoryTokenStore shared = new MemoryTokenStore();
    return new TokenStore[] {shared, shared};
  }
}
