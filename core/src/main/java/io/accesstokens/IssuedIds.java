package io.accesstokens;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.LongSet;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of every token issued in the store, as far as this node knows: loaded by scanning the
 * store, kept current by the creates this node makes and by the creates and deletes its {@link
 * ChangeFollower} reads. It lets the validator refuse a value whose id was never issued without
 * asking the store: a forged value costs the store nothing.
 *
 * <p><b>When it is trusted.</b> Only while (1) a scan that started after the follower's warm-up (or
 * after the follower found changes pruned before it read them) has completed, and (2) the follower
 * holds its freshness lease. Why (1) suffices: a create committed before the scan started is in the
 * scan; one committed later has a change record with a sequence above the follower's starting point
 * (a transaction that took a lower number committed within the longest transaction of the
 * follower's start, so before the warm-up), which the follower reads. Why (2): the follower reads
 * every record committed before the start of its last complete catch-up.
 *
 * <p><b>An id it does not hold</b> was never issued, or was issued on another node after the last
 * complete catch-up started. So the validator waits (within its lookup timeout) for a catch-up that
 * starts after the miss began: if that one brings the id, the value goes to the store as any miss;
 * if not, the id was never issued (a value is presented only after its create committed) and the
 * value is refused without a store query. The wait costs no query either: the follower catches up
 * every poll interval anyway (at once on PostgreSQL, which signals each commit); a follower driven
 * by its caller is caught up by the waiting validation itself.
 *
 * <p>Thread-safe. About 8 to 21 bytes of heap per id (16.8 at 1,000,000 ids).
 */
final class IssuedIds implements InvalidationHub.Subscriber {
  private static final Logger log = LoggerFactory.getLogger(IssuedIds.class);

  /** Rows read per store scan call while loading. */
  static final int SCAN_PAGE = 1000;

  /** The longest one wait for a catch-up lasts before the lease is checked again. */
  private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final TokenStore store;
  private final ChangeFollower follower;
  private final Ticker ticker;
  private final Executor loader;
  private final LongSet ids = new LongSet();

  /**
   * 1 plus the {@link #resync()}s so far; a load counts only if no resync came after it started.
   */
  private final AtomicLong resyncs = new AtomicLong(1);

  private final AtomicBoolean loading = new AtomicBoolean();

  private volatile long loadedFor;
  private volatile boolean caughtUpOnce;

  /** When the last complete catch-up started, in the ticker's time. */
  private volatile long lastCatchUp;

  private volatile boolean closed;

  IssuedIds(TokenStore store, ChangeFollower follower, Ticker ticker, Executor loader) {
    this.store = store;
    this.follower = follower;
    this.ticker = ticker;
    this.loader = loader;
  }

  /** Whether the set may say "never issued" at {@code now}. */
  boolean isTrustedAt(long now) {
    return loadedFor == resyncs.get() && follower.isTrustedAt(now);
  }

  /**
   * Whether {@code id} was never issued, as far as a trusted set can tell within {@code deadline}
   * (ticker time): false when it is held, or when the set is not trusted (then the store decides).
   */
  boolean neverIssued(TokenId id, long missStart, long deadline) {
    long now = missStart;
    if (!isTrustedAt(now) || ids.contains(id.bits())) {
      return false;
    }
    // Not held: wait for a catch-up that started after the miss began, which reads any create
    // committed before the value could be presented.
    while (!caughtUpSince(missStart)) {
      now = ticker.read();
      if (now - deadline >= 0 || !isTrustedAt(now) || closed) {
        return false; // the store path decides, in whatever time is left
      }
      if (follower.isDrivenByCaller()) {
        // No thread of its own catches up: this one does, after the miss began by construction.
        if (!follower.catchUp()) {
          return false;
        }
        break;
      }
      if (!awaitCatchUp(Math.min(WAIT_SLICE_NANOS, deadline - now))) {
        return false; // interrupted: the store path fails closed at once
      }
    }
    return isTrustedAt(ticker.read()) && !ids.contains(id.bits());
  }

  private boolean caughtUpSince(long missStart) {
    return caughtUpOnce && lastCatchUp - missStart > 0;
  }

  /** Waits up to {@code nanos} for a catch-up; false if interrupted (the flag is kept set). */
  private synchronized boolean awaitCatchUp(long nanos) {
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Ids held now (for tests and stats). */
  long size() {
    return ids.size();
  }

  /** Heap taken by the ids' table, in bytes. */
  long tableBytes() {
    return ids.tableBytes();
  }

  void close() {
    closed = true;
    synchronized (this) {
      notifyAll();
    }
  }

  // ---- what the hub delivers

  @Override
  public void issued(TokenId id) {
    ids.add(id.bits());
  }

  @Override
  public void withdrawn(TokenId id) {
    ids.remove(id.bits());
  }

  /**
   * A complete catch-up of a warm follower started at {@code startedNanos}: wakes the validations
   * waiting for one, and starts loading the set if it is not loaded (the first catch-up after the
   * warm-up, or after {@link #resync()} or a failed load) and no load is running.
   */
  @Override
  public void caughtUp(long startedNanos) {
    lastCatchUp = startedNanos;
    caughtUpOnce = true;
    synchronized (this) {
      notifyAll();
    }
    long epoch = resyncs.get();
    if (loadedFor != epoch && !closed && loading.compareAndSet(false, true)) {
      try {
        loader.execute(() -> load(epoch));
      } catch (RuntimeException e) {
        loading.set(false);
        log.warn(
            "Could not start loading the issued token ids; the store decides: {}", e.toString());
      }
    }
  }

  /**
   * The follower may have missed changes (they were pruned before it read them): untrusted until a
   * scan started after this completes. What the set held stays (issued ids stay issued).
   */
  @Override
  public void resync() {
    resyncs.incrementAndGet();
  }

  private void load(long epoch) {
    try {
      @Nullable TokenId after = null;
      while (!closed && resyncs.get() == epoch) {
        List<StoredToken> page = store.scan(after, SCAN_PAGE);
        for (StoredToken row : page) {
          ids.add(row.id().bits());
        }
        if (page.size() < SCAN_PAGE) {
          if (resyncs.get() == epoch) {
            loadedFor =
                epoch; // a resync since then leaves it untrusted, and the next catch-up reloads
            log.debug("Loaded {} issued token ids", ids.size());
          }
          return;
        }
        after = page.get(page.size() - 1).id();
      }
    } catch (RuntimeException e) {
      // Stays untrusted until the next resync (the follower's next warm-up or lost place): every
      // miss goes to the store meanwhile, as without the set.
      log.warn(
          "Loading the issued token ids failed; every miss asks the store until it is loaded: {}",
          e.toString());
    }
  }

  // Evictions are the validator's business.

  @Override
  public void invalidate(TokenId id) {}

  @Override
  public void invalidateAll() {}

  @Override
  public void invalidateOrganization(long organizationKey) {}
}
