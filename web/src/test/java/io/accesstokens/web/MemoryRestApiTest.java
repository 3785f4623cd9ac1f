package io.accesstokens.web;

import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.TokenStore;

/** The REST API on the memory store. */
class MemoryRestApiTest extends AbstractRestApiTest {
  @Override
  protected TokenStore newStore() {
    return new MemoryTokenStore();
  }
}
