package io.accesstokens;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.LogThrottle;
import io.accesstokens.spi.LastUse;
import io.accesstokens.spi.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's record of the tokens it accepted, waiting to be written to the store by a flush
 * ({@link TokenValidator#flushLastUsed()}); nothing here runs on the validation path but {@link
 * #record}, once per token per interval.
 *
 * <ul>
 *   <li><b>Coarse on purpose.</b> A cached answer's stamp (the ticker time before which a hit
 *       checks nothing else) is also when its token's next use is due, an interval after the last
 *       recorded one: almost every hit compares the stamp it compares anyway and writes nothing. Of
 *       the hits that find a use due, the one whose compare-and-set moves the stamp on records; the
 *       others go on.
 *   <li><b>One pending use per token.</b> Uses wait in a map by token id, the later time kept (with
 *       its own connection source), so a flush writes each token once however often it was recorded
 *       since the last flush.
 *   <li><b>Bounded.</b> At most {@code maxPending} tokens wait; while the store is down and the map
 *       is full, the uses of further tokens are dropped (counted), never a validation failed.
 *   <li><b>Kept on failure.</b> A batch the store did not take goes back into the map (the later
 *       time winning), for the next flush.
 * </ul>
 *
 * <p>Thread-safe; one flush runs at a time.
 */
final class LastUses {
  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);

  /** Uses written by one call of the store's {@link TokenStore#recordLastUsed}. */
  static final int BATCH = 500;

  /** The shortest time between two log lines of a failed scheduled flush. */
  private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

  private final TokenStore store;
  private final Clock clock;
  private final long intervalNanos;
  private final Duration interval;
  private final long maxPending;
  private final ConcurrentHashMap<TokenId, LastUse> pending = new ConcurrentHashMap<>();
  private final Object flushLock = new Object();
  private final LogThrottle failedFlushLines;
  private final LongAdder recorded = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder written = new LongAdder();

  LastUses(TokenStore store, Clock clock, Ticker ticker, Duration interval, long maxPending) {
    this.store = store;
    this.clock = clock;
    this.interval = interval;
    this.intervalNanos = interval.toNanos();
    this.maxPending = maxPending;
    this.failedFlushLines = new LogThrottle(ticker, LOG_INTERVAL);
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /**
   * The ticker time at which a new answer's first use is due ({@link CachedAnswer#firstUseDueAt}),
   * read on a miss: an interval after the stored last use in ticker time, so an answer reloaded
   * (here or on another node after a flush) records no new use within the interval of the stored
   * one; or at once when the token has none, so its first acceptance records.
   *
   * @param start the miss's ticker time, from which the answer is used
   * @param storedLastUse the token's stored last-used time, or null
   */
  long firstUseDue(long start, @Nullable Instant storedLastUse) {
    if (storedLastUse == null) {
      return start;
    }
    Duration ago = Duration.between(storedLastUse, clock.instant());
    if (ago.isNegative()) {
      return start + intervalNanos; // another node's clock is ahead: as if just recorded
    }
    return ago.compareTo(interval) >= 0 ? start : start + (intervalNanos - ago.toNanos());
  }

  /**
   * Records that {@code answer}'s token was accepted at ticker time {@code now}, if this call moves
   * the answer's stamp on from {@code seen}, the due time it read (a concurrent hit that moved it
   * first records instead). Reads the clock, once per token per interval. The use carries {@code
   * source} (null when the host passed none), so the flush writes the time and the source of one
   * use together.
   */
  void record(CachedAnswer answer, long seen, long now, @Nullable ConnectionSource source) {
    ValidatedToken token = answer.token;
    if (token == null || !answer.claimUse(seen, now, intervalNanos)) {
      return;
    }
    // To the microsecond, as the service stores its times: every store then keeps the same value.
    LastUse use =
        new LastUse(
            token.organization(),
            token.id(),
            clock.instant().truncatedTo(ChronoUnit.MICROS),
            source);
    if (pending.size() >= maxPending && !pending.containsKey(token.id())) {
      dropped.increment();
      return;
    }
    pending.merge(token.id(), use, LastUse::later);
    recorded.increment();
  }

  /**
   * Writes every pending use in batches of {@link #BATCH}, each token once.
   *
   * @return how many uses were written
   * @throws RuntimeException what the store threw (the uses not written stay pending)
   */
  int flush() {
    synchronized (flushLock) {
      int done = 0;
      List<LastUse> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
      for (LastUse use : pending.values()) {
        if (pending.remove(use.id(), use)) {
          batch.add(use);
        }
        if (batch.size() == BATCH) {
          done += write(batch);
          batch = new ArrayList<>(BATCH);
        }
      }
      if (!batch.isEmpty()) {
        done += write(batch);
      }
      return done;
    }
  }

  private int write(List<LastUse> batch) {
    try {
      store.recordLastUsed(batch);
    } catch (RuntimeException e) {
      for (LastUse use : batch) {
        pending.merge(use.id(), use, LastUse::later);
      }
      throw e;
    }
    written.add(batch.size());
    return batch.size();
  }

  /** {@link #flush()} on a schedule, or at close: a failure is logged (throttled), not thrown. */
  void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      // The store's messages never carry a value or digest (TokenStore contract).
      failedFlushLines.write(
          note ->
              log.warn(
                  "Writing last-used times failed; {} tokens' uses are kept for the next flush:"
                      + " {}{}",
                  pending.size(),
                  e.toString(),
                  note));
    }
  }

  /** Tokens whose use waits for a flush. */
  long pending() {
    return pending.size();
  }

  /** Uses recorded in memory (at most one per token per interval). */
  long recorded() {
    return recorded.sum();
  }

  /** Uses dropped because {@code maxPending} tokens already waited. */
  long dropped() {
    return dropped.sum();
  }

  /** Uses the store took. */
  long written() {
    return written.sum();
  }
}
