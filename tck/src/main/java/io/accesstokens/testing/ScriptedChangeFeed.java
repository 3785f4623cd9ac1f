package io.accesstokens.testing;

import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A change feed a test controls: sequence numbers are {@linkplain #allocate() allocated} and later
 * {@linkplain #commit committed} in any order (or never, like a rolled-back transaction), the feed
 * can be taken down, and changes can be pruned.
 */
public final class ScriptedChangeFeed implements ChangeFeed {
  private final AtomicLong allocated = new AtomicLong();
  private final ConcurrentSkipListMap<Long, ChangeRecord> committed = new ConcurrentSkipListMap<>();
  private volatile long prunedThrough;
  private volatile boolean down;
  private volatile boolean notificationsBroken;
  private final AtomicReference<@Nullable Runnable> beforeNextRead = new AtomicReference<>();

  /** Takes the next sequence number, as a transaction's insert into the change log does. */
  public long allocate() {
    return allocated.incrementAndGet();
  }

  /** Makes the change with sequence {@code sequence} visible, as its transaction's commit does. */
  public void commit(long sequence, TokenId id, @Nullable TokenEventType type) {
    committed.put(sequence, new ChangeRecord(sequence, id, type, 2, Instant.EPOCH));
  }

  /** Allocates and commits at once. */
  public long commitNext(TokenId id, @Nullable TokenEventType type) {
    long sequence = allocate();
    commit(sequence, id, type);
    return sequence;
  }

  public void down(boolean isDown) {
    this.down = isDown;
  }

  /** Makes {@link #awaitChanges} throw, like a notification connection that was cut. */
  public void breakNotifications(boolean broken) {
    this.notificationsBroken = broken;
  }

  /** Prunes everything up to {@code sequence}. */
  public void pruneThrough(long sequence) {
    committed.headMap(sequence, true).clear();
    prunedThrough = Math.max(prunedThrough, sequence);
  }

  /**
   * Runs {@code action} once, at the start of the next {@link #changesAfter} call: what another
   * node does (prune, commit) between two of the follower's reads.
   */
  public void beforeNextRead(Runnable action) {
    beforeNextRead.set(action);
  }

  private void check() {
    if (down) {
      throw new StoreUnavailableException("change feed is down (injected fault)");
    }
  }

  @Override
  public List<ChangeRecord> changesAfter(long after, int limit) {
    check();
    Runnable action = beforeNextRead.getAndSet(null);
    if (action != null) {
      action.run();
    }
    List<ChangeRecord> out = new ArrayList<>();
    for (ChangeRecord c : committed.tailMap(after, false).values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(c);
    }
    return out;
  }

  @Override
  public long head() {
    check();
    return allocated.get();
  }

  @Override
  public long prunedThrough() {
    check();
    return prunedThrough;
  }

  @Override
  public void pruneBefore(Instant cutoff) {
    check();
  }

  @Override
  public void awaitChanges(Duration timeout) throws InterruptedException {
    if (notificationsBroken) {
      throw new StoreUnavailableException("notification connection lost (injected fault)");
    }
    Thread.sleep(Math.max(1, timeout.toMillis()));
  }
}
