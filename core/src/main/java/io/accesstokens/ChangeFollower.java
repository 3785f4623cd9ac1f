package io.accesstokens;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.Checks;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.ChangeRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's validator coherent with changes made on other nodes that share the store: it reads
 * the store's {@link ChangeFeed} and evicts every token that changed, and it is the validator's
 * {@link FreshnessLease}, so cached answers are trusted only while the follower is caught up.
 *
 * <pre>{@code
 * ChangeFollower follower = ChangeFollower.builder(jdbcStore.changeFeed()).build();
 * TokenValidator validator = TokenValidator.builder(service).changeFollower(follower).build();
 * // validator.close() stops the follower
 * }</pre>
 *
 * <p><b>The bound.</b> A token deactivated or deleted on any node is refused on every node within
 * {@link #refusalBound()} (the {@linkplain Builder#stalenessBound staleness bound}) of the change's
 * commit. Why: a catch-up that starts after the commit reads the change and evicts the token, and
 * only a complete catch-up renews the lease, which lasts the staleness bound from that catch-up's
 * start. So either a catch-up started after the commit has evicted the token, or the last complete
 * one started before the commit and the cache stops being trusted less than the bound after it. A
 * follower that stalls, loses its connection or falls behind therefore causes store lookups, never
 * stale answers; the validator's hard expiry caps every answer regardless.
 *
 * <p><b>Sequence gaps.</b> A transaction can take a lower sequence number and commit after a higher
 * one was read, and a rolled-back one leaves a gap forever. The follower re-reads above its lowest
 * gap on every catch-up, so a late commit is found; a gap is given up only after it has been seen
 * for {@link Builder#longestTransaction}, which must exceed the longest time a write transaction
 * can take (stores enforce it with statement timeouts). For the same reason a new follower trusts
 * nothing for that long after it starts, and then drops everything cached meanwhile.
 *
 * <p><b>Pruning.</b> The follower prunes changes older than {@link Builder#retention} now and then.
 * A follower that finds changes it had not read pruned (it stalled longer than the retention) drops
 * its whole cache instead of trusting it.
 *
 * <p>One follower serves one validator. It publishes what it reads to the invalidation hub its
 * validator listens on (the service's, for a validator built from one), and holds no reference to
 * the validator itself. {@link #catchUp()} may be called directly (tests do, with a fake ticker);
 * otherwise the validator starts a thread that catches up every {@link Builder#pollInterval} or
 * when the feed signals a change.
 */
public final class ChangeFollower implements FreshnessLease, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFollower.class);

  /** How often the follower reads the feed, unless {@link Builder#pollInterval} says otherwise. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

  /** The refusal bound, unless {@link Builder#stalenessBound} says otherwise. */
  public static final Duration DEFAULT_STALENESS_BOUND = Duration.ofSeconds(1);

  /** How long a transaction may take, unless {@link Builder#longestTransaction} says otherwise. */
  public static final Duration DEFAULT_LONGEST_TRANSACTION = Duration.ofSeconds(5);

  /** How long changes are kept, unless {@link Builder#retention} says otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(15);

  /** How often this node prunes, unless {@link Builder#pruneEvery} says otherwise. */
  public static final Duration DEFAULT_PRUNE_EVERY = Duration.ofMinutes(1);

  /** Changes read per query, unless {@link Builder#batchSize} says otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 1000;

  /** The name of the follower's thread, unless {@link Builder#threadFactory} says otherwise. */
  public static final String DEFAULT_THREAD_NAME = "access-tokens-change-follower";

  private final ChangeFeed feed;
  private final Ticker ticker;
  private final Clock clock;
  private final long stalenessNanos;
  private final long longestTransactionNanos;
  private final Duration pollInterval;
  private final Duration retention;
  private final long pruneEveryNanos;
  private final int batchSize;
  private final ThreadFactory threadFactory;
  private final boolean manual;

  /** When the last complete catch-up started, in ticker time; the lease runs from here. */
  private volatile long trustedFrom;

  // Guarded by this.
  /** Where this follower publishes the changes it reads; set once, when its validator starts it. */
  private @Nullable InvalidationHub invalidations;

  private long startedAt;
  private boolean warm;
  private long watermark;
  private final TreeSet<Long> seenAbove = new TreeSet<>();
  private long maxSeen;
  private long blockedAt = -1;
  private long blockedSince;
  private long blockedUpTo;
  private long lastPrune;
  private @Nullable Thread thread;
  private volatile boolean closed;

  private final LongAdder catchUps = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder applied = new LongAdder();
  private final LongAdder cacheClears = new LongAdder();
  private final LongAdder gapsGivenUp = new LongAdder();

  private ChangeFollower(Builder b) {
    this.feed = b.feed;
    this.ticker = b.getTicker();
    this.clock = b.getClock();
    this.stalenessNanos = b.getStalenessBound().toNanos();
    this.longestTransactionNanos = b.getLongestTransaction().toNanos();
    this.pollInterval = b.getPollInterval();
    this.retention = b.getRetention();
    this.pruneEveryNanos = b.getPruneEvery().toNanos();
    this.batchSize = b.getBatchSize();
    this.threadFactory = b.getThreadFactory();
    this.manual = b.manual;
    // Not trusted until the first complete catch-up after the warm-up.
    this.trustedFrom = ticker.read() - stalenessNanos;
  }

  /** Starts a follower of {@code feed}. */
  public static Builder builder(ChangeFeed feed) {
    return new Builder(Checks.notNull(feed, "change feed"));
  }

  /**
   * The X of "a token deactivated or deleted on any node is refused on every node within X",
   * counted from the change's commit. Equal to the staleness bound.
   */
  public Duration refusalBound() {
    return Duration.ofNanos(stalenessNanos);
  }

  /**
   * Whether the feed logs every creation ({@link ChangeFeed#recordsCreations()}): then a validator
   * keeps the set of issued ids this follower keeps current.
   */
  boolean recordsCreations() {
    return feed.recordsCreations();
  }

  /** Whether no thread of its own catches up ({@link Builder#drivenByCaller()}). */
  boolean isDrivenByCaller() {
    return manual;
  }

  @Override
  public boolean isTrustedAt(long nowNanos) {
    return nowNanos - trustedFrom < stalenessNanos;
  }

  /**
   * Whether cached answers are trusted now, in this follower's ticker's time: {@link #isTrustedAt}
   * at the ticker's reading. For health checks and metrics; the validator asks {@link #isTrustedAt}
   * with its own reading.
   */
  public boolean isTrusted() {
    return isTrustedAt(ticker.read());
  }

  /**
   * How long ago, in this follower's ticker's time, the last complete catch-up began: the lease
   * lasts the {@linkplain #refusalBound() refusal bound} from there, so a lag at or above it means
   * the cache is not trusted (every miss and hit asks the store). Before the first complete
   * catch-up, at least the bound.
   */
  public Duration lag() {
    return Duration.ofNanos(Math.max(0, ticker.read() - trustedFrom));
  }

  /**
   * Positions the follower at the feed's head and starts it publishing what it reads to {@code
   * invalidations}, the hub its validator listens on; called by the validator when it is built. The
   * follower knows the hub only, never the validator.
   */
  synchronized void start(InvalidationHub invalidations) {
    Checks.state(
        this.invalidations == null,
        "a change follower serves one validator, and it already has one");
    Checks.state(!closed, "change follower is closed");
    this.invalidations = invalidations;
    startedAt = ticker.read();
    watermark = feed.head();
    maxSeen = watermark;
    lastPrune = startedAt;
    log.debug(
        "Following changes from sequence {}; trusting the cache after {}",
        watermark,
        Duration.ofNanos(longestTransactionNanos));
    if (!manual) {
      Thread t = threadFactory.newThread(this::run);
      t.setDaemon(true);
      thread = t;
      t.start();
    }
  }

  /**
   * Reads every change committed since the last catch-up, evicts the tokens they name, and renews
   * the lease if it read to the end. Called by the follower's thread; callable directly.
   *
   * @return whether the catch-up completed (and the lease was renewed from its start)
   */
  public synchronized boolean catchUp() {
    InvalidationHub hub = invalidations;
    Checks.state(hub != null, "change follower is not attached to a validator");
    long started = ticker.read();
    catchUps.increment();
    try {
      if (!warm && started - startedAt >= longestTransactionNanos) {
        // Transactions that were running when we started have committed or died by now; what was
        // cached meanwhile may predate them.
        hub.invalidateAll();
        cacheClears.increment();
        warm = true;
      }
      long after = watermark;
      while (true) {
        List<ChangeRecord> batch = feed.changesAfter(after, batchSize);
        for (ChangeRecord change : batch) {
          if (change.sequence() > watermark && seenAbove.add(change.sequence())) {
            if (change.type() == TokenEventType.ENTITLEMENT_CHANGED) {
              hub.invalidateOrganization(change.tokenId().bits());
            } else {
              hub.invalidate(change.tokenId());
              if (change.type() == TokenEventType.CREATED) {
                hub.issued(change.tokenId());
              } else if (change.type() == TokenEventType.DELETED) {
                hub.withdrawn(change.tokenId());
              }
            }
            applied.increment();
          }
          maxSeen = Math.max(maxSeen, change.sequence());
          after = change.sequence();
        }
        if (batch.size() < batchSize) {
          break;
        }
      }
      // The marker is read after the changes: a prune that deleted changes before the reads above
      // saw
      // them has raised it by now (pruners delete and raise it in one transaction). Read before, it
      // could miss a prune that ran between the two reads, and the lease would be renewed over a
      // change nobody evicted.
      long pruned = feed.prunedThrough();
      if (pruned > watermark) {
        log.warn(
            "Changes up to sequence {} were pruned before this node read them (it was at {}); "
                + "dropping its cached validations",
            pruned,
            watermark);
        hub.resync();
        hub.invalidateAll();
        cacheClears.increment();
        watermark = pruned;
        maxSeen = Math.max(maxSeen, pruned);
        seenAbove.headSet(pruned, true).clear();
        blockedAt = -1;
      }
      advanceWatermark(started);
      if (warm) {
        trustedFrom = started;
        hub.caughtUp(started);
      }
      pruneNow(started);
      return true;
    } catch (RuntimeException e) {
      failures.increment();
      log.warn(
          "Catching up with other nodes' changes failed; the cache stays trusted only until {}"
              + " after the last complete catch-up: {}",
          refusalBound(),
          e.toString());
      return false;
    }
  }

  /** Moves past every sequence that is read, or missing for longer than the longest transaction. */
  private void advanceWatermark(long now) {
    while (true) {
      long next = watermark + 1;
      if (seenAbove.remove(next)) {
        watermark = next;
        continue;
      }
      if (maxSeen <= watermark) {
        return; // nothing read above: caught up
      }
      // next is missing while a higher one is committed: a transaction still running, or a dead
      // one.
      if (blockedAt != watermark) {
        blockedAt = watermark;
        blockedSince = now;
        blockedUpTo = maxSeen;
        return;
      }
      if (now - blockedSince < longestTransactionNanos) {
        return;
      }
      // Everything missing up to what was committed when we first saw the gap is dead now.
      log.debug("Giving up sequence gap after {} (up to {})", watermark, blockedUpTo);
      gapsGivenUp.increment();
      while (watermark < blockedUpTo) {
        seenAbove.remove(++watermark);
      }
      blockedAt = -1;
    }
  }

  private void pruneNow(long now) {
    if (retention.isZero() || now - lastPrune < pruneEveryNanos) {
      return;
    }
    lastPrune = now;
    Instant cutoff = clock.instant().minus(retention);
    try {
      feed.pruneBefore(cutoff);
    } catch (RuntimeException e) {
      log.warn("Pruning the change log failed; will retry: {}", e.toString());
    }
  }

  private void run() {
    while (!closed) {
      catchUp();
      try {
        feed.awaitChanges(pollInterval);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A lost notification connection: polling goes on, and only polls renew the lease.
        log.warn("Waiting for change notifications failed; polling continues: {}", e.toString());
        try {
          Thread.sleep(Math.max(1, pollInterval.toMillis()));
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Counters since start. */
  public Stats stats() {
    return new Stats(
        catchUps.sum(),
        failures.sum(),
        applied.sum(),
        cacheClears.sum(),
        gapsGivenUp.sum(),
        watermark());
  }

  private synchronized long watermark() {
    return watermark;
  }

  /**
   * Counters of a follower.
   *
   * @param catchUps catch-ups attempted
   * @param failures catch-ups that failed (the lease was not renewed)
   * @param applied changes read and evicted
   * @param cacheClears times the whole cache was dropped (end of warm-up, pruned changes)
   * @param gapsGivenUp sequence gaps given up after the longest transaction
   * @param watermark every change up to this sequence is applied or given up
   */
  public record Stats(
      long catchUps,
      long failures,
      long applied,
      long cacheClears,
      long gapsGivenUp,
      long watermark) {}

  /** Stops the thread and closes the feed. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    feed.close();
  }

  @Override
  public String toString() {
    return "ChangeFollower[refusalBound=" + refusalBound() + ", pollInterval=" + pollInterval + "]";
  }

  /**
   * Configures a {@link ChangeFollower}. Every setting may be set once and is checked when set; a
   * setting left unset takes its {@code DEFAULT_*} value (or the default its setter names) when the
   * follower is built, and {@link #build()} never writes to the builder. Not thread-safe.
   */
  public static final class Builder {
    private static final int UNSET_INT = -1;

    private final ChangeFeed feed;
    private @Nullable Duration pollInterval;
    private @Nullable Duration stalenessBound;
    private @Nullable Duration longestTransaction;
    private @Nullable Duration retention;
    private @Nullable Duration pruneEvery;
    private int batchSize = UNSET_INT;
    private @Nullable Ticker ticker;
    private @Nullable Clock clock;
    private @Nullable ThreadFactory threadFactory;
    private boolean manual;

    private Builder(ChangeFeed feed) {
      this.feed = feed;
    }

    /**
     * How often to catch up when the feed gives no signal; default {@link
     * ChangeFollower#DEFAULT_POLL_INTERVAL} (200 ms).
     *
     * @throws IllegalArgumentException if shorter than 1 ms
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalStateException if already set
     */
    public Builder pollInterval(Duration interval) {
      Checks.state(pollInterval == null, "poll interval already set");
      Checks.notNull(interval, "poll interval");
      Checks.argument(
          interval.toMillis() >= 1, "poll interval must be at least 1 ms, but was " + interval);
      this.pollInterval = interval;
      return this;
    }

    /**
     * The refusal bound: how long after a complete catch-up began cached answers stay trusted;
     * default {@link ChangeFollower#DEFAULT_STALENESS_BOUND} (1 second). Must exceed the poll
     * interval, or the cache is rarely trusted.
     *
     * @throws IllegalArgumentException unless between 1 ms and 1 hour
     * @throws NullPointerException if {@code bound} is null
     * @throws IllegalStateException if already set
     */
    public Builder stalenessBound(Duration bound) {
      Checks.state(stalenessBound == null, "staleness bound already set");
      Checks.notNull(bound, "staleness bound");
      Checks.argument(
          bound.toMillis() >= 1 && bound.compareTo(Duration.ofHours(1)) <= 0,
          "staleness bound must be between 1 ms and 1 hour, but was " + bound);
      this.stalenessBound = bound;
      return this;
    }

    /**
     * The longest a write transaction can take from taking its sequence number to committing;
     * default {@link ChangeFollower#DEFAULT_LONGEST_TRANSACTION} (5 seconds). Gaps are waited for
     * this long, and a new follower trusts nothing for this long. The store must enforce it (its
     * write statement timeout must be shorter).
     *
     * @throws IllegalArgumentException unless between 0 and 10 minutes
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalStateException if already set
     */
    public Builder longestTransaction(Duration duration) {
      Checks.state(longestTransaction == null, "longest transaction already set");
      Checks.notNull(duration, "longest transaction");
      Checks.argument(
          !duration.isNegative() && duration.compareTo(Duration.ofMinutes(10)) <= 0,
          "longest transaction must be between 0 and 10 minutes, but was " + duration);
      this.longestTransaction = duration;
      return this;
    }

    /**
     * How long changes are kept before this follower prunes them; default {@link
     * ChangeFollower#DEFAULT_RETENTION} (15 minutes); zero turns pruning off on this node. Must be
     * far longer than the staleness bound ({@link #build()} checks).
     *
     * @throws IllegalArgumentException if negative
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalStateException if already set
     */
    public Builder retention(Duration duration) {
      Checks.state(retention == null, "retention already set");
      Checks.notNull(duration, "retention");
      Checks.argument(
          !duration.isNegative(), "retention must not be negative, but was " + duration);
      this.retention = duration;
      return this;
    }

    /**
     * How often this follower prunes; default {@link ChangeFollower#DEFAULT_PRUNE_EVERY} (every
     * minute).
     *
     * @throws IllegalArgumentException if shorter than 1 ms
     * @throws NullPointerException if {@code every} is null
     * @throws IllegalStateException if already set
     */
    public Builder pruneEvery(Duration every) {
      Checks.state(pruneEvery == null, "prune every already set");
      Checks.notNull(every, "prune every");
      Checks.argument(every.toMillis() >= 1, "prune every must be at least 1 ms, but was " + every);
      this.pruneEvery = every;
      return this;
    }

    /**
     * Changes read per query; default {@value ChangeFollower#DEFAULT_BATCH_SIZE}.
     *
     * @throws IllegalArgumentException unless between 1 and 100,000
     * @throws IllegalStateException if already set
     */
    public Builder batchSize(int size) {
      Checks.state(batchSize == UNSET_INT, "batch size already set");
      Checks.argument(
          size >= 1 && size <= 100_000, "batch size must be between 1 and 100000, but was " + size);
      this.batchSize = size;
      return this;
    }

    /**
     * Time source for the lease, gaps and warm-up; must be the validator's ticker. Default {@link
     * Ticker#systemTicker()}.
     *
     * @throws NullPointerException if {@code ticker} is null
     * @throws IllegalStateException if already set
     */
    public Builder ticker(Ticker ticker) {
      Checks.state(this.ticker == null, "ticker already set");
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /**
     * Wall clock for the pruning cutoff; default {@link Clock#systemUTC()}.
     *
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      Checks.state(this.clock == null, "clock already set");
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    /**
     * Makes the follower's thread; default a daemon thread named {@value
     * ChangeFollower#DEFAULT_THREAD_NAME}.
     *
     * @throws NullPointerException if {@code factory} is null
     * @throws IllegalStateException if already set
     */
    public Builder threadFactory(ThreadFactory factory) {
      Checks.state(threadFactory == null, "thread factory already set");
      this.threadFactory = Checks.notNull(factory, "thread factory");
      return this;
    }

    /**
     * Starts no thread: the host (or a test) calls {@link ChangeFollower#catchUp()} itself, at
     * least as often as the staleness bound, or the cache is not trusted. Default off.
     *
     * @throws IllegalStateException if already set
     */
    public Builder drivenByCaller() {
      Checks.state(!manual, "driven by caller already set");
      this.manual = true;
      return this;
    }

    /**
     * Builds the follower; its validator starts it. Reads the settings and never writes to this
     * builder.
     *
     * @throws IllegalArgumentException if the retention is not longer than the staleness bound plus
     *     the longest transaction
     */
    public ChangeFollower build() {
      Duration keep = getRetention();
      Checks.argument(
          keep.isZero() || keep.compareTo(getStalenessBound().plus(getLongestTransaction())) > 0,
          "retention ("
              + keep
              + ") must be longer than the staleness bound plus the longest transaction");
      return new ChangeFollower(this);
    }

    // Each setting with its default resolved, never written back.

    Duration getPollInterval() {
      return pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
    }

    Duration getStalenessBound() {
      return stalenessBound == null ? DEFAULT_STALENESS_BOUND : stalenessBound;
    }

    Duration getLongestTransaction() {
      return longestTransaction == null ? DEFAULT_LONGEST_TRANSACTION : longestTransaction;
    }

    Duration getRetention() {
      return retention == null ? DEFAULT_RETENTION : retention;
    }

    Duration getPruneEvery() {
      return pruneEvery == null ? DEFAULT_PRUNE_EVERY : pruneEvery;
    }

    int getBatchSize() {
      return batchSize == UNSET_INT ? DEFAULT_BATCH_SIZE : batchSize;
    }

    Ticker getTicker() {
      return ticker == null ? Ticker.systemTicker() : ticker;
    }

    Clock getClock() {
      return clock == null ? Clock.systemUTC() : clock;
    }

    ThreadFactory getThreadFactory() {
      return threadFactory == null ? r -> new Thread(r, DEFAULT_THREAD_NAME) : threadFactory;
    }
  }
}
