package io.accesstokens.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Invalidation counters for cache entries keyed by 64-bit ids: a lookup reads {@link #current}
 * before it asks the store and installs its answer only if the value is unchanged, so an
 * invalidation that happened meanwhile always wins.
 *
 * <p>Ids share 4096 striped counters plus one global epoch, so the structure is constant in size
 * and each operation constant in time. Two ids on one stripe only cost a spurious "do not install",
 * which turns into one more miss later, never a stale answer.
 */
public final class Generations {
  private static final int STRIPES = 4096;

  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong epoch = new AtomicLong();

  /** A number that changes whenever {@link #bump} of {@code id} or {@link #bumpAll} happens. */
  public long current(long id) {
    // Both parts only grow, so their sum changes whenever either does.
    return epoch.get() + stripes.get(stripe(id));
  }

  /** Marks {@code id} invalidated. */
  public void bump(long id) {
    stripes.incrementAndGet(stripe(id));
  }

  /** Marks every id invalidated. */
  public void bumpAll() {
    epoch.incrementAndGet();
  }

  private static int stripe(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 52) & (STRIPES - 1);
  }
}
