package io.accesstokens;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.LogThrottle;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's side of {@link PredecessorRetirement#FIRST_USE}: when it accepts a successor whose
 * answer says it still retires its predecessor, it hands {@link TokenStore#retirePredecessor} to
 * the background, so the connection never waits for a write and a store that is down fails no
 * validation.
 *
 * <ul>
 *   <li><b>Once per answer.</b> The answer's claim ({@link CachedAnswer#claimRetirement}) lets one
 *       hit start it; a failure gives the claim back, so a later hit tries again.
 *   <li><b>Once in all.</b> Nodes and validators that try together are decided by the store, whose
 *       step is atomic and acts only while the successor has the flag.
 *   <li><b>Everywhere.</b> The store logs both rows' changes, so every node's follower evicts the
 *       predecessor (and the successor's answer carrying the flag) within the refusal bound; this
 *       node's hub evicts them at once.
 * </ul>
 *
 * <p>The store's change log keeps no actor; the change's actor ({@code first use of <successor>})
 * reaches the audit through the service's listeners (a status change of the predecessor), when the
 * validator was built from a service, and an info line in every case. Ids are not secret; no line
 * carries a value. Thread-safe.
 */
final class FirstUseRetirement {
  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);

  /** The shortest time between two warnings of failed retirements. */
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final TokenStore store;
  private final Clock clock;
  private final Executor executor;
  private final InvalidationHub invalidations;
  private final @Nullable TokenService service;
  private final LogThrottle failureLines;
  private volatile boolean unsupportedReported;

  FirstUseRetirement(
      TokenStore store,
      Clock clock,
      Executor executor,
      InvalidationHub invalidations,
      @Nullable TokenService service,
      Ticker ticker) {
    this.store = store;
    this.clock = clock;
    this.executor = executor;
    this.invalidations = invalidations;
    this.service = service;
    this.failureLines = new LogThrottle(ticker, LOG_INTERVAL);
  }

  /**
   * The actor a retirement names: the successor's first use. An id is not token-shaped, so this is
   * always a valid actor.
   */
  static Actor actorFor(TokenId successor) {
    return Actor.of("first use of " + successor);
  }

  /**
   * Starts the retirement of {@code successor}'s predecessor, unless one was started from this
   * answer already; never throws and never waits for the store.
   */
  void onAccepted(CachedAnswer answer, TokenId successor, OrganizationId organization) {
    if (!answer.claimRetirement()) {
      return;
    }
    try {
      executor.execute(() -> retire(answer, successor, organization));
    } catch (RejectedExecutionException e) {
      answer.releaseRetirement(); // a later hit tries again
      log.debug(
          "Retirement of the predecessor of token {} not started now: {}", successor, e.toString());
    }
  }

  private void retire(CachedAnswer answer, TokenId successor, OrganizationId organization) {
    Actor actor = actorFor(successor);
    Optional<AccessToken> retired;
    try {
      retired =
          store.retirePredecessor(
              organization,
              successor,
              new Change(TokenEventType.STATUS_CHANGED, actor, clock.instant()));
    } catch (UnsupportedOperationException e) {
      // Kept claimed: this store never will. Said once per validator.
      if (!unsupportedReported) {
        unsupportedReported = true;
        log.warn(
            "Token {} retires its predecessor on first use, but the store cannot: {}",
            successor,
            e.getMessage());
      }
      return;
    } catch (TokenConflictException e) {
      // A database that refuses a write racing another (a deadlock, or MariaDB's snapshot
      // isolation): the other node's retirement, most likely. A later hit looks again.
      answer.releaseRetirement();
      log.debug(
          "Retiring the predecessor of token {} raced another change; a later use looks again: {}",
          successor,
          e.toString());
      return;
    } catch (RuntimeException e) {
      answer.releaseRetirement(); // a later hit tries again
      // The store's messages never carry a value or digest (TokenStore contract); ours never do.
      failureLines.write(
          note ->
              log.warn(
                  "Retiring the predecessor of token {} on its first use failed; a later use tries"
                      + " again: {}{}",
                  successor,
                  e.toString(),
                  note));
      return;
    }
    // The successor's row changed (its flag is gone): answers that carry the flag go, here at once
    // and on other nodes through the change log, so no one tries again.
    invalidations.invalidate(successor);
    if (retired.isEmpty()) {
      log.debug("Token {} had no predecessor left to retire on its first use", successor);
      return;
    }
    AccessToken predecessor = retired.get();
    invalidations.invalidate(predecessor.id());
    log.info(
        "Retired token {} of organization {} on the first use of its successor {}",
        predecessor.id(),
        organization,
        successor);
    TokenService events = service;
    if (events != null) {
      events.emit(
          TokenEventType.STATUS_CHANGED,
          predecessor,
          actor,
          predecessor.updatedAt(),
          predecessor.version(),
          "retired on the first use of its successor " + successor);
    }
  }
}
