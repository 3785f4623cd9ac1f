package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractChangeFollowerTest;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Core's refusal-bound suite (a scripted feed and a fake ticker, the tokens in this database): the
 * follower's algorithm over this store's reads and writes. Its every example runs here; the 1,000
 * random timelines do not (see {@link TimelinesRunInMemory}).
 */
@AddLifecycleHook(
    value = AbstractJdbcChangeFollowerTest.TimelinesRunInMemory.class,
    propagateTo = PropagationMode.ALL_DESCENDANTS)
abstract class AbstractJdbcChangeFollowerTest extends AbstractChangeFollowerTest {

  protected abstract TestDatabase db();

  @Override
  protected TokenStore createStore() {
    return db().emptyStore();
  }

  /**
   * Skips the suite's jqwik property, with the reason in the report. The timelines drive a scripted
   * feed and a fake ticker, so they prove the follower, not the store; the memory store runs all of
   * them, and a database only makes each try slower (37 s on H2, minutes on PostgreSQL). They would
   * also run in jqwik's engine, outside the Jupiter lifecycle that gives {@link TestDatabase} its
   * tables. The real store's side of the bound is proven by the multi-node tests instead.
   */
  public static final class TimelinesRunInMemory implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      return context instanceof PropertyLifecycleContext
          ? SkipResult.skip(
              "the random timelines prove the follower over a scripted feed; the memory store"
                  + " runs them, and on a database they only take minutes longer")
          : SkipResult.doNotSkip();
    }
  }
}
