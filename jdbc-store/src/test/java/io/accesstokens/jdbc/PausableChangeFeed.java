package io.accesstokens.jdbc;

import io.accesstokens.StoreUnavailableException;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A change feed that a test can stall, like a read that hangs on a dead connection: while
 * {@linkplain #pause() paused}, every read blocks until {@link #resume()} (or until the reading
 * thread is interrupted, as closing the follower does).
 */
final class PausableChangeFeed implements ChangeFeed {
  private final ChangeFeed delegate;
  private final AtomicReference<@Nullable CountDownLatch> paused = new AtomicReference<>();
  private final CountDownLatch[] stuck = {new CountDownLatch(1)};

  PausableChangeFeed(ChangeFeed delegate) {
    this.delegate = delegate;
  }

  /** Reads from now on block; {@link #awaitStuck} tells when the follower is blocked in one. */
  synchronized void pause() {
    stuck[0] = new CountDownLatch(1);
    paused.set(new CountDownLatch(1));
  }

  void resume() {
    CountDownLatch gate = paused.getAndSet(null);
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Waits until a reader is blocked in a paused read. */
  void awaitStuck(Duration timeout) throws InterruptedException {
    CountDownLatch latch;
    synchronized (this) {
      latch = stuck[0];
    }
    if (!latch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no read blocked on the paused feed within " + timeout);
    }
  }

  private void gate() {
    CountDownLatch gate = paused.get();
    if (gate == null) {
      return;
    }
    synchronized (this) {
      stuck[0].countDown();
    }
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("reading the change log was interrupted while paused");
    }
  }

  @Override
  public List<ChangeRecord> changesAfter(long after, int limit) {
    gate();
    return delegate.changesAfter(after, limit);
  }

  @Override
  public long head() {
    gate();
    return delegate.head();
  }

  @Override
  public long prunedThrough() {
    gate();
    return delegate.prunedThrough();
  }

  @Override
  public void pruneBefore(Instant cutoff) {
    gate();
    delegate.pruneBefore(cutoff);
  }

  @Override
  public void awaitChanges(Duration timeout) throws InterruptedException {
    delegate.awaitChanges(timeout);
  }

  @Override
  public void close() {
    resume();
    delegate.close();
  }
}
