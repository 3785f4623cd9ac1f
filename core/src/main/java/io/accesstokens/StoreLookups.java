package io.accesstokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Interner;
import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.Generations;
import io.accesstokens.internal.LogThrottle;
import io.accesstokens.internal.OrganizationStamps;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.spi.StoredToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's miss path: asks the store for a value the cache could not answer, and installs the
 * answer unless an invalidation came first.
 *
 * <ul>
 *   <li><b>Single flight.</b> Concurrent misses for one value join one lookup in flight.
 *   <li><b>Bulkhead.</b> At most {@code maxConcurrentLookups} lookups run at once; a miss that
 *       cannot get a permit, or whose lookup does not answer within the lookup timeout, fails
 *       closed. Lookups run on the host's lookup executor, or on this validator's own pool when the
 *       host set none, so a caller waits at most the lookup timeout whatever the store's (or its
 *       connection pool's) own timeouts; a lookup that is still waiting for a slot when its
 *       caller's time is up never reaches the store.
 *   <li><b>Generations.</b> A lookup reads its token id's generation before it asks the store and
 *       installs its answer only if the generation is unchanged; {@link #forget} and {@link
 *       #forgetAll} change it. So a lookup in flight during an invalidation never puts the old
 *       answer back.
 *   <li><b>Contested lane.</b> A value whose token id was presented moments ago with another value
 *       (a remembered unknown value, or another value's lookup in flight) is a guess at a known id
 *       or its owner racing one; the issued-id set cannot tell it from a real token's value. Such
 *       lookups take one of {@link #contestedSlots} lane slots first, without waiting: when the
 *       lane is full the miss fails closed at once, so guesses at known ids hold at most a quarter
 *       of the lookup slots and never starve other tokens' misses.
 * </ul>
 *
 * <p>The validator owns the caches and reads them on its hot path; this class only installs into
 * them. Thread-safe.
 */
final class StoreLookups {
  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);

  /**
   * The shortest time between two log lines of one kind on the miss path (a refused lookup, a
   * failed one, a store answering for the wrong token): each can happen on every request, so under
   * a flood each kind writes one line per interval, which counts the lines held back.
   */
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  /** Lookups that may wait for a thread of the own pool, per lookup slot; more are refused. */
  static final int QUEUED_PER_SLOT = 64;

  /** How long an idle thread of the own pool stays. */
  private static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);

  /** Numbers the own pools, for their threads' names. */
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final LookupContext context;
  private final @Nullable LastUses lastUses;
  private final Cache<TokenId, CachedAnswer> answers;
  private final Cache<TokenId, CachedUnknown> unknowns;
  private final OrganizationStamps organizationStamps;
  private final Ticker ticker;
  private final long expireAfterNanos;
  private final Duration expireAfter;
  private final Clock clock;
  private final long negativeExpireAfterNanos;
  private final long lookupTimeoutNanos;
  private final Executor lookupExecutor;
  private final @Nullable ThreadPoolExecutor ownPool;
  private final int maxConcurrentLookups;
  private final Semaphore permits;
  private final int contestedSlots;
  private final Semaphore contestedPermits;
  private final ConcurrentHashMap<TokenId, InFlight> inFlight = new ConcurrentHashMap<>();
  private final Generations generations = new Generations();
  private final Interner<Object> interner = Interner.newWeakInterner();
  private final LogThrottle refusedLookupLines;
  private final LogThrottle failedLookupLines;
  private final LogThrottle wrongRowLines;
  private final LogThrottle contestedLines;

  private final LongAdder storeLookups = new LongAdder();
  private final LongAdder failClosed = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder timedLookups = new LongAdder();
  private final LongAdder lookupNanos = new LongAdder();
  private final LongAdder contestedRefusals = new LongAdder();

  StoreLookups(
      TokenValidator.Builder settings,
      Cache<TokenId, CachedAnswer> answers,
      Cache<TokenId, CachedUnknown> unknowns,
      OrganizationStamps organizationStamps,
      @Nullable LastUses lastUses) {
    this.context = settings.getLookupContext();
    this.lastUses = lastUses;
    this.answers = answers;
    this.unknowns = unknowns;
    this.organizationStamps = organizationStamps;
    this.ticker = settings.getTicker();
    this.expireAfterNanos = settings.getExpireAfter().toNanos();
    this.expireAfter = settings.getExpireAfter();
    this.clock = settings.getClock();
    this.negativeExpireAfterNanos = settings.getNegativeExpireAfter().toNanos();
    this.lookupTimeoutNanos = settings.getLookupTimeout().toNanos();
    this.maxConcurrentLookups = settings.getMaxConcurrentLookups();
    Executor given = settings.getLookupExecutor();
    if (given == null) {
      ThreadPoolExecutor pool = newPool(maxConcurrentLookups);
      this.ownPool = pool;
      this.lookupExecutor = pool;
    } else {
      this.ownPool = null;
      this.lookupExecutor = given;
    }
    this.permits = new Semaphore(maxConcurrentLookups);
    this.contestedSlots = contestedSlots(maxConcurrentLookups);
    this.contestedPermits = new Semaphore(contestedSlots);
    this.refusedLookupLines = new LogThrottle(ticker, LOG_INTERVAL);
    this.failedLookupLines = new LogThrottle(ticker, LOG_INTERVAL);
    this.wrongRowLines = new LogThrottle(ticker, LOG_INTERVAL);
    this.contestedLines = new LogThrottle(ticker, LOG_INTERVAL);
  }

  /**
   * The contested lane's slots for {@code maxConcurrentLookups}: a quarter, at least one (4 of the
   * default 16). A lookup in the lane also needs an ordinary slot, so the other three quarters stay
   * free for every other token.
   */
  static int contestedSlots(int maxConcurrentLookups) {
    return Math.max(1, maxConcurrentLookups / 4);
  }

  /**
   * The pool lookups run on when the host gave no lookup executor: one thread per lookup slot at
   * most, started when needed and ended after {@link #IDLE_THREAD_KEEP_ALIVE} idle, daemon threads
   * named {@code access-tokens-lookup-<pool>-<n>}, and at most {@link #QUEUED_PER_SLOT} waiting
   * lookups per slot (a lookup beyond that is refused at once and its miss fails closed).
   */
  private static ThreadPoolExecutor newPool(int slots) {
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            slots,
            slots,
            IDLE_THREAD_KEEP_ALIVE.toNanos(),
            TimeUnit.NANOSECONDS,
            new ArrayBlockingQueue<>(slots * QUEUED_PER_SLOT),
            task -> {
              Thread t =
                  new Thread(
                      task, "access-tokens-lookup-" + pool + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * The store's answer for {@code presented}, joining a lookup of the same value in flight.
   *
   * @param start the ticker's reading when the miss began; the lookup timeout counts from it
   * @param contested whether the id was presented moments ago with another value (a remembered
   *     unknown value): then the lookup goes through the contested lane
   * @throws ConnectionOpenException with {@link ErrorCode#STORE_UNAVAILABLE} if no answer came in
   *     time, or the contested lane was full
   */
  CachedAnswer load(String presented, TokenId id, long start, boolean contested) {
    InFlight mine = new InFlight(presented);
    InFlight running = inFlight.putIfAbsent(id, mine);
    if (running != null && running.matches(presented)) {
      return await(running, start);
    }
    // Another value with the same id is being looked up (only a forgery, or its owner racing one,
    // can do that): look up this one on its own, unregistered, so neither can answer for the other.
    boolean registered = running == null;
    boolean inLane = contested || !registered;
    if (inLane && !contestedPermits.tryAcquire()) {
      deregister(mine, id, registered);
      contestedRefusals.increment();
      logContestedFull(id);
      throw failingClosed();
    }
    try {
      lookupExecutor.execute(() -> run(mine, id, registered, start, inLane));
    } catch (RejectedExecutionException e) {
      if (inLane) {
        contestedPermits.release();
      }
      logRefused();
      deregister(mine, id, registered);
      mine.result.completeExceptionally(e);
    }
    return await(mine, start);
  }

  private CachedAnswer await(InFlight lookup, long start) {
    try {
      CachedAnswer done = lookup.result.getNow(null);
      if (done != null) {
        return done;
      }
      long remaining = lookupTimeoutNanos - (ticker.read() - start);
      return lookup.result.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failingClosed();
    } catch (TimeoutException | ExecutionException | CompletionException e) {
      throw failingClosed();
    }
  }

  private ConnectionOpenException failingClosed() {
    failClosed.increment();
    return new ConnectionOpenException(ErrorCode.STORE_UNAVAILABLE);
  }

  /**
   * Looks up {@code lookup}'s value and completes it. A registered lookup leaves the registry
   * before its result is completed: a miss that comes once a caller has that result (with a lookup
   * executor, before this thread went on) must ask the store itself, not be handed an answer read
   * before it began (after the hard expiry or with an untrusted lease, one the store may no longer
   * give; or a failure the store has recovered from).
   */
  private void run(
      InFlight lookup, TokenId id, boolean registered, long missStart, boolean inLane) {
    // The contested lane's slot is given back with the lookup's own slot, before the answer is
    // handed to its callers (so a caller that has it finds the slot free), or when the lookup ends
    // without one.
    boolean laneHeld = inLane;
    long generation = generations.current(id.bits());
    long start = ticker.read();
    try {
      // The slot is waited for only as long as the caller still waits: a lookup that queued for a
      // thread until its caller gave up fails here, without asking the store.
      long remaining = lookupTimeoutNanos - (start - missStart);
      if (remaining <= 0 || !permits.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
        laneHeld = releaseLane(laneHeld);
        logRefused();
        deregister(lookup, id, registered);
        lookup.result.completeExceptionally(new TimeoutException("no lookup slot"));
        return;
      }
      CachedAnswer answer;
      // Timed on the miss path only (two ticker reads around the store's answer, failed or not);
      // a hit is never timed.
      long began = ticker.read();
      try {
        answer = lookUp(lookup.presented, id, start);
      } finally {
        lookupNanos.add(ticker.read() - began);
        timedLookups.increment();
        permits.release();
        laneHeld = releaseLane(laneHeld);
      }
      install(id, generation, answer, lookup.presented, start);
      deregister(lookup, id, registered);
      lookup.result.complete(answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      laneHeld = releaseLane(laneHeld);
      deregister(lookup, id, registered);
      lookup.result.completeExceptionally(e);
    } catch (RuntimeException e) {
      laneHeld = releaseLane(laneHeld);
      // The store's messages never carry a value or digest (TokenStore contract); ours never do.
      failedLookupLines.write(
          note ->
              log.warn(
                  "Token lookup failed, refusing with STORE_UNAVAILABLE: {}{}",
                  e.toString(),
                  note));
      deregister(lookup, id, registered);
      lookup.result.completeExceptionally(e);
    } finally {
      releaseLane(laneHeld); // after an Error, too
      deregister(lookup, id, registered);
    }
  }

  /** Gives the contested lane's slot back if {@code held}; returns false, the new holding. */
  private boolean releaseLane(boolean held) {
    if (held) {
      contestedPermits.release();
    }
    return false;
  }

  private void logRefused() {
    refusedLookupLines.write(
        note ->
            log.warn(
                "Token lookup refused: {} lookups already running (maxConcurrentLookups){}",
                permitsInUse(),
                note));
  }

  private void logContestedFull(TokenId id) {
    // The id is not secret (it is the masked value's): it names the token being guessed at.
    contestedLines.write(
        note ->
            log.warn(
                "Token lookup refused: token {} is being presented with other values and the {}"
                    + " contested lookup slots are taken{}",
                id,
                contestedSlots,
                note));
  }

  private void deregister(InFlight lookup, TokenId id, boolean registered) {
    if (registered) {
      inFlight.remove(id, lookup);
    }
  }

  private CachedAnswer lookUp(String presented, TokenId id, long start) {
    StoredToken row = context.rowOf(presented, storeLookups::increment);
    if (row == null) {
      return CachedAnswer.NOT_FOUND;
    }
    if (row.id().bits() != id.bits()) {
      wrongRowLines.write(
          note ->
              log.error(
                  "Store returned token {} for a digest of token {}; treating it as unknown{}",
                  row.id(),
                  id,
                  note));
      return CachedAnswer.NOT_FOUND;
    }
    AccessToken token = row.token();
    ValidatedToken validated =
        new ValidatedToken(
            id, intern(token.organization()), intern(token.environment()), token.scope());
    // The stamp is read before the entitlement is asked: a change of it that the host reports
    // after this read makes the answer stale, and one reported before is in what the host answers.
    int stripe =
        OrganizationStamps.stripe(ChangeRecord.organizationKey(token.organization()).bits());
    long stamp = organizationStamps.read(stripe);
    boolean entitled = context.entitlements().isEntitled(token.organization(), token.scope());
    // The token's own expiry is folded into the answer's stamp (the earlier of the two), so a hit
    // checks one time only. The clock is read here, on the miss, never on a hit.
    long trustedUntil = start + expireAfterNanos;
    boolean expired = false;
    Instant expiresAt = token.expiresAt();
    if (expiresAt != null) {
      Duration left = Duration.between(clock.instant(), expiresAt);
      if (left.isNegative() || left.isZero()) {
        expired = true;
      } else if (left.compareTo(expireAfter) < 0) {
        trustedUntil = start + left.toNanos();
      }
    }
    CachedAnswer answer =
        new CachedAnswer(
            presented,
            validated,
            token.isActive(),
            expired,
            entitled,
            trustedUntil,
            stripe,
            stamp,
            token.retiresPredecessorOnFirstUse());
    if (lastUses != null) {
      // Set before the answer is published in the cache; a use the store already has within the
      // interval (this node's before an eviction, or another node's) is not recorded again.
      answer.firstUseDueAt(lastUses.firstUseDue(start, token.lastUsedAt()));
    }
    return answer;
  }

  /**
   * Puts {@code answer} in its cache if no invalidation of {@code id} (or of everything) happened
   * since {@code generation} was read, and takes it out again if one happened during the install.
   */
  private void install(
      TokenId id, long generation, CachedAnswer answer, String presented, long start) {
    if (answer == CachedAnswer.NOT_FOUND) {
      CachedUnknown unknown = new CachedUnknown(presented, start + negativeExpireAfterNanos);
      unknowns
          .asMap()
          .compute(id, (key, old) -> generations.current(id.bits()) == generation ? unknown : old);
      if (generations.current(id.bits()) != generation) {
        unknowns.asMap().remove(id, unknown); // as for answers below
      }
    } else {
      loads.increment();
      answers
          .asMap()
          .compute(id, (key, old) -> generations.current(id.bits()) == generation ? answer : old);
      unknowns.invalidate(id);
      if (generations.current(id.bits()) != generation) {
        // An invalidation came between the check above and the end of the install. One of a single
        // id removes the entry after us (it waits for the key's lock); one of every id
        // (invalidateAll) may have passed this key by while its entry was being created, so ours is
        // removed here (only ours: another lookup's answer may have replaced it meanwhile).
        answers.asMap().remove(id, answer);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T intern(T value) {
    return (T) interner.intern(value);
  }

  private int permitsInUse() {
    return Math.max(0, maxConcurrentLookups - permits.availablePermits());
  }

  /**
   * Makes every lookup of {@code id} already in flight unable to install its answer, and lets the
   * next miss start a new one. The validator drops the cached entries after this.
   */
  void forget(TokenId id) {
    generations.bump(id.bits());
    inFlight.remove(id);
  }

  /** {@link #forget} for every id at once. */
  void forgetAll() {
    generations.bumpAll();
    inFlight.clear();
  }

  /**
   * Stops the own pool, if there is one, once the lookups it runs have ended; a lookup stuck in the
   * store is not interrupted (some drivers close their connection on an interrupt), and its thread,
   * a daemon, ends when the store's own timeout ends the call.
   */
  void close() {
    if (ownPool != null) {
      ownPool.shutdown();
    }
  }

  /**
   * Where background work of the validator runs besides lookups (a predecessor's retirement on its
   * successor's first use): the host's lookup executor, or the own pool.
   */
  Executor executor() {
    return lookupExecutor;
  }

  /** Calls made to the store's {@code findByDigest}. */
  long storeLookups() {
    return storeLookups.sum();
  }

  /** Lookups that ran against the store (holding a slot), answered or failed. */
  long timedLookups() {
    return timedLookups.sum();
  }

  /** Their total time, from taking the slot's turn to the store's answer or failure. */
  long lookupNanos() {
    return lookupNanos.sum();
  }

  /** Answers read from the store and put in the cache. */
  long loads() {
    return loads.sum();
  }

  /** Misses refused at once because the contested lane was full (also in {@link #failedClosed}). */
  long contestedRefusals() {
    return contestedRefusals.sum();
  }

  /** Misses answered with {@link ErrorCode#STORE_UNAVAILABLE}. */
  long failedClosed() {
    return failClosed.sum();
  }

  /** A store lookup in flight, which concurrent misses for the same value wait for. */
  private static final class InFlight extends SecretWords {
    final String presented;
    final CompletableFuture<CachedAnswer> result = new CompletableFuture<>();

    InFlight(String presented) {
      super(presented);
      this.presented = presented;
    }
  }
}
