package io.accesstokens.testing;

import io.accesstokens.spi.TokenStore;

/**
 * The whole contract on {@link MapTokenStore}: the one class a host writing its own store adds to
 * its tests, beside one test-scope dependency on this module (see docs/store-authors.md).
 */
class MapTokenStoreTest extends TokenStoreTck {
  @Override
  protected TokenStore createStore() {
    return new MapTokenStore();
  }
}
