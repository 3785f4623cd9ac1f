package io.accesstokens.memory;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractChangeFollowerTimelinesTest;
import io.accesstokens.testing.TokenStoreTck;
import net.jqwik.api.Group;

/**
 * The TCK on the memory store; two nodes share one store, as two nodes share one database. It also
 * runs the change follower's random timelines, which prove the follower over a scripted feed and so
 * need one store only.
 */
class MemoryTokenStoreTest extends TokenStoreTck {
  @Override
  protected TokenStore createStore() {
    return new MemoryTokenStore();
  }

  @Group
  class ChangeFollowerTimelines extends AbstractChangeFollowerTimelinesTest {
    @Override
    protected TokenStore createStore() {
      return new MemoryTokenStore();
    }
  }
}
