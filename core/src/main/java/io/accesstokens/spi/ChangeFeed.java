package io.accesstokens.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Optional, for stores that several nodes share: a log of every status change, description edit and
 * delete (and creation, where {@link #recordsCreations()} says so), written in the same transaction
 * as the change, which a {@link io.accesstokens.ChangeFollower} on each node reads to evict what it
 * has cached.
 *
 * <p>Sequence numbers are allocated in increasing order, but a transaction may commit after one
 * with a higher number, and a rolled-back one leaves a gap forever; the follower handles both,
 * provided no write transaction takes longer between allocating its number and committing than the
 * follower's {@code longestTransaction}.
 */
public interface ChangeFeed extends AutoCloseable {

  /**
   * Up to {@code limit} committed changes with a sequence greater than {@code after}, in sequence
   * order.
   */
  List<ChangeRecord> changesAfter(long after, int limit);

  /** A number at least the sequence of every change committed so far (0 for an empty log). */
  long head();

  /** Every change with a sequence up to this has been pruned (0 when none has). */
  long prunedThrough();

  /**
   * Deletes changes written before {@code cutoff}, raising {@link #prunedThrough()} to match.
   *
   * <p>The cutoff must lie before the start of every write transaction still running, as a
   * follower's cutoff does (its retention is longer than its longest transaction, which {@link
   * io.accesstokens.ChangeFollower.Builder#build()} checks): a change that took its sequence number
   * before a prune and commits after it would be left below the marker, where no follower reads.
   */
  void pruneBefore(Instant cutoff);

  /**
   * Waits at most {@code timeout} for a sign that changes were committed, for feeds that have one
   * (PostgreSQL's LISTEN/NOTIFY); returns early when signalled. The default has no sign and waits
   * the whole timeout. Never needed for correctness: the follower polls anyway.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  default void awaitChanges(Duration timeout) throws InterruptedException {
    Thread.sleep(Math.max(1, timeout.toMillis()));
  }

  /**
   * Whether every token's creation is logged too ({@link io.accesstokens.TokenEventType#CREATED},
   * in the same transaction as the insert, with version 1): then each node's validator keeps the
   * set of issued token ids current from this feed and refuses a value whose id was never issued
   * without a store lookup. False by default: a feed that logs no creations leaves every miss to
   * the store.
   */
  default boolean recordsCreations() {
    return false;
  }

  /** Releases what {@link #awaitChanges} holds (a listening connection). */
  @Override
  default void close() {}
}
