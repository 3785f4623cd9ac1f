package io.accesstokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.LogThrottle;
import io.accesstokens.internal.OrganizationStamps;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.ChangeRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the EDI connector calls each time it opens a connection: is this token good for this
 * organization, environment and scope? Answers from a cache, and asks the store only on a miss.
 *
 * <pre>{@code
 * TokenValidator validator = TokenValidator.builder(service).build();
 * ValidatedToken ok = validator.validate(presented, Scope.EDI, organization, environment);
 * }</pre>
 *
 * <p><b>Answers.</b> {@link #validate} returns a {@link ValidatedToken} or throws {@link
 * ConnectionOpenException}: {@link ErrorCode#INVALID_TOKEN} (message exactly {@code Error opening
 * connection. Exception is: Error code: INVALID_TOKEN}) for a malformed, unknown, inactive,
 * deleted, foreign, wrong-environment or wrong-scope token or an organization without EDI access,
 * all alike; {@link ErrorCode#STORE_UNAVAILABLE} when the store could not answer in time (fail
 * closed).
 *
 * <p><b>Cache.</b> Answers are cached by the token id written inside the value, with the value's
 * secret digits to compare in constant time. A cached answer is used only while the ticker is
 * before its hard expiry ({@link Builder#expireAfter}, counted from when the store was read) and
 * the {@link FreshnessLease} trusts the cache. Malformed values are refused without a lookup and
 * never cached; unknown well-formed values are remembered briefly in a separate, bounded cache
 * ({@link Builder#negativeExpireAfter}), so repeating a guess does not reach the store while a
 * flood of distinct guesses cannot push valid tokens out. Concurrent misses for one value make one
 * store call.
 *
 * <p><b>Expiry.</b> A token past its {@link AccessToken#expiresAt} is refused with {@link
 * ErrorCode#INVALID_TOKEN} like an inactive one (cause {@link RefusalCause#EXPIRED}). The hit costs
 * nothing for it: when the store is read, the answer's trust stamp (the ticker time from which it
 * must not be used) becomes the earlier of the hard expiry and the token's own expiry, converted to
 * ticker time with one read of the {@link Builder#clock}; after the stamp, the next validation asks
 * the store again and, the expiry having passed, refuses. Expiry therefore goes by each validating
 * node's clock: a node whose clock is behind by {@code s} accepts an expired token for up to {@code
 * s} longer, one ahead refuses it {@code s} early (keep nodes' clocks synchronized, as NTP does to
 * milliseconds); the service's clock only sets the expiry when a token is created or rotated. The
 * ticker and the clock may drift apart by a few milliseconds per hour of one answer's life, which
 * the hard expiry (60 seconds by default) bounds.
 *
 * <p><b>Last used.</b> With {@link Builder#recordLastUsed} on, an accepted token's use is recorded
 * in memory, never written on the validation path. The hit costs nothing for it either, as for
 * expiry: the answer's trust stamp is also the ticker time at which its token's next use is due (an
 * interval after the last recorded one, never later than the expiry), so a hit compares the one
 * stamp it compares anyway. A hit past the stamp but before the answer's expiry records the use and
 * moves the stamp on by a {@link Builder#lastUsedInterval} (one compare-and-set: of racing hits,
 * one records); one past the expiry reloads. {@link #flushLastUsed()}, called by the host or on the
 * host's scheduler ({@link Builder#lastUsedFlush}), writes them in batches as a monotonic maximum;
 * a store that is down delays the flush and never fails a validation, and a crash loses at most the
 * uses recorded since the last flush. A host that knows the connection's source address passes it
 * to {@link #validate(String, Scope, OrganizationId, EnvironmentId, ConnectionSource)}: a recorded
 * use carries it, and the store keeps the source of the use whose time it keeps ({@link
 * AccessToken#lastUsedFrom}).
 *
 * <p><b>Retirement on first use.</b> When the validator accepts a successor rotated with {@link
 * PredecessorRetirement#FIRST_USE}, it hands {@link
 * io.accesstokens.spi.TokenStore#retirePredecessor} to its lookup executor (the host's, or its own
 * pool), once per cached answer: the hit costs one field read, the connection never waits for the
 * write, and a failure (logged without any value) only means a later validation of the successor
 * tries again. A validator built from a service emits the predecessor's {@link
 * TokenEventType#STATUS_CHANGED} to that service's listeners.
 *
 * <p><b>Coherence.</b> A validator built with {@link #builder(TokenService)} hears of every status
 * change and delete made through that service before the service call returns; one built with
 * {@link #builder(LookupContext)} hears of none (it has no service). Both hear of other nodes'
 * changes through a {@link Builder#changeFollower}. Every eviction goes through {@link
 * #invalidate(TokenId)}, which also bumps a generation that a lookup started earlier checks before
 * installing its answer: a lookup in flight during a change can never put the old answer back.
 *
 * <p><b>Bounded misses.</b> At most {@link Builder#maxConcurrentLookups} store lookups run at once;
 * a miss that cannot get a slot, or whose lookup does not answer within {@link
 * Builder#lookupTimeout}, fails closed. Lookups run on a small pool of the validator's own (daemon
 * threads, one per lookup slot, stopped by {@link #close()}), or on the host's {@link
 * Builder#lookupExecutor}; either way the caller waits at most the timeout, whatever the store's or
 * its connection pool's own timeouts (a hung lookup keeps its thread and slot until the store's own
 * timeout ends it, but no caller waits for it). A value presented for a token id that was just
 * presented with another value (a guess at a known id) takes one of a quarter of the slots set
 * aside for such lookups, without waiting, and fails closed when they are taken ({@link
 * ValidatorStats#contestedRefusals}): guesses at known ids never starve other tokens' misses.
 *
 * <p><b>Logging.</b> A refused lookup (no slot), a failed one (the store threw) and a store
 * answering for the wrong token are logged, each kind at most once per 10 seconds of the ticker's
 * time, the line counting those held back since the last: a flood of requests is not a flood of log
 * lines.
 *
 * <p><b>Shape.</b> This class is the hot path (the hit decision) and the validator's API; a miss
 * goes to {@code StoreLookups} (single flight, permits, generations, install), the cache holds
 * {@code CachedAnswer} and {@code CachedUnknown} entries, and evictions arrive through the
 * invalidation hub the service and the follower publish to.
 *
 * <p>Thread-safe. {@link #close()} detaches the validator from its service.
 */
public final class TokenValidator implements AutoCloseable {
  private static final RefusalCause[] CAUSES = RefusalCause.values();

  /** Tokens whose answers are cached, unless {@link Builder#maximumSize} says otherwise. */
  public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

  /**
   * The hard expiry of a cached answer on a validator without a {@link Builder#changeFollower},
   * unless {@link Builder#expireAfter} says otherwise.
   */
  public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofSeconds(60);

  /**
   * The hard expiry of a cached answer on a validator with a {@link Builder#changeFollower}, unless
   * {@link Builder#expireAfter} says otherwise. A cached answer is used only while the follower
   * holds its lease, which keeps it fresh (every change reaches the cache within the refusal
   * bound), so the expiry is a safety net, not what bounds staleness: long enough that re-reading
   * every active token once per expiry costs the store little (100,000 active tokens: 56 reads a
   * second per node, where a 60 s expiry cost 1,667).
   */
  public static final Duration DEFAULT_EXPIRE_AFTER_FOLLOWED = Duration.ofMinutes(30);

  /** Unknown values remembered, unless {@link Builder#negativeMaximumSize} says otherwise. */
  public static final long DEFAULT_NEGATIVE_MAXIMUM_SIZE = 10_000;

  /**
   * How long an unknown value is remembered, unless {@link Builder#negativeExpireAfter} says so.
   */
  public static final Duration DEFAULT_NEGATIVE_EXPIRE_AFTER = Duration.ofSeconds(10);

  /** The longest a miss waits, unless {@link Builder#lookupTimeout} says otherwise. */
  public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  /** Store lookups at once, unless {@link Builder#maxConcurrentLookups} says otherwise. */
  public static final int DEFAULT_MAX_CONCURRENT_LOOKUPS = 16;

  /**
   * How often a token's use is recorded and flushed, unless {@link Builder#lastUsedInterval} says
   * otherwise: GitLab's throttle of its {@code last_used_at} write. A stored last-used time is then
   * at most about two intervals behind the token's real last use while nodes run (one until the
   * next recorded use, one until the flush), and a crash loses at most the last interval's uses.
   */
  public static final Duration DEFAULT_LAST_USED_INTERVAL = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);

  /**
   * The cache is called too small once size evictions are at least this many and more than {@link
   * #EVICTIONS_PER_LOAD_TO_WARN} of the answers loaded: most then left before they were used much.
   */
  static final long EVICTIONS_TO_WARN = 100;

  static final double EVICTIONS_PER_LOAD_TO_WARN = 0.1;

  /** The shortest time between two lines saying the cache is too small. */
  private static final Duration SIZE_WARNING_INTERVAL = Duration.ofMinutes(10);

  /** A power of two: how many cache reads, on average, for one recorded in the eviction policy. */
  private static final int RECORD_EVERY = 16;

  private final Ticker ticker;
  private final FreshnessLease lease;
  private final @Nullable ChangeFollower follower;
  private final long expireAfterNanos;
  private final Cache<TokenId, CachedAnswer> answers;
  private final Policy<TokenId, CachedAnswer> answersQuietly;
  private final Cache<TokenId, CachedUnknown> unknowns;
  private final Policy<TokenId, CachedUnknown> unknownsQuietly;
  private final OrganizationStamps organizationStamps = new OrganizationStamps();
  private final StoreLookups lookups;
  private final @Nullable IssuedIds issuedIds;
  private final long lookupTimeoutNanos;
  private final InvalidationHub invalidations;

  /** Retires a successor's predecessor on its first use, in the background. */
  private final FirstUseRetirement retirement;

  private final InvalidationHub.Subscriber subscriber = new Subscriber();

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder negativeHits = new LongAdder();
  private final LongAdder sizeEvictions = new LongAdder();
  private final long maximumSize;
  private final LogThrottle sizeWarnings;
  private final LongAdder[] refusals = new LongAdder[CAUSES.length];

  /** Uses waiting for the last-used flush; null when the validator records none. */
  private final @Nullable LastUses lastUses;

  private final long lastUseIntervalNanos;
  private final @Nullable ScheduledFuture<?> scheduledFlush;

  private volatile boolean closed;

  private TokenValidator(Builder b) {
    this.ticker = b.getTicker();
    this.lease = b.getFreshnessLease();
    this.expireAfterNanos = b.getExpireAfter().toNanos();
    // No expireAfterWrite: each answer carries its own expiry stamp, checked against the one ticker
    // read the hit needs anyway, which costs far less than Caffeine's per-read expiry bookkeeping.
    Executor executor = b.getExecutor();
    this.maximumSize = b.getMaximumSize();
    this.sizeWarnings = new LogThrottle(ticker, SIZE_WARNING_INTERVAL);
    this.answers =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(executor)
            .<TokenId, CachedAnswer>evictionListener(
                (id, answer, cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictedForSize();
                  }
                })
            .build();
    this.answersQuietly = answers.policy();
    this.unknowns =
        Caffeine.newBuilder().maximumSize(b.getNegativeMaximumSize()).executor(executor).build();
    this.unknownsQuietly = unknowns.policy();
    this.lastUses =
        b.recordLastUsed
            ? new LastUses(
                b.getLookupContext().store(),
                b.getClock(),
                ticker,
                b.getLastUsedInterval(),
                maximumSize)
            : null;
    this.lastUseIntervalNanos = lastUses == null ? 0 : lastUses.intervalNanos();
    if (lastUses != null) {
      requireLastUsedTimes(b.getLookupContext().store());
    }
    this.lookups = new StoreLookups(b, answers, unknowns, organizationStamps, lastUses);
    // Scheduled before anything subscribes or starts, so a scheduler that refuses leaves nothing.
    ScheduledExecutorService flushScheduler = b.lastUsedFlushScheduler;
    LastUses uses = lastUses;
    this.scheduledFlush =
        flushScheduler == null || uses == null
            ? null
            : flushScheduler.scheduleWithFixedDelay(
                uses::flushQuietly,
                lastUseIntervalNanos,
                lastUseIntervalNanos,
                TimeUnit.NANOSECONDS);
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new LongAdder();
    }
    this.invalidations = b.getInvalidations();
    this.retirement =
        new FirstUseRetirement(
            b.getLookupContext().store(),
            b.getClock(),
            lookups.executor(),
            invalidations,
            b.service,
            ticker);
    this.follower = b.follower;
    this.lookupTimeoutNanos = b.getLookupTimeout().toNanos();
    this.issuedIds =
        follower != null && b.issuedIdSet && follower.recordsCreations()
            ? new IssuedIds(
                b.getLookupContext().store(),
                follower,
                ticker,
                follower.isDrivenByCaller() ? Runnable::run : TokenValidator::startLoader)
            : null;
    invalidations.subscribe(subscriber);
    if (issuedIds != null) {
      invalidations.subscribe(issuedIds);
    }
    if (follower != null) {
      try {
        follower.start(invalidations);
      } catch (RuntimeException e) {
        // nothing of a validator never built stays behind
        if (scheduledFlush != null) {
          scheduledFlush.cancel(false);
        }
        invalidations.unsubscribe(subscriber);
        if (issuedIds != null) {
          invalidations.unsubscribe(issuedIds);
        }
        throw e;
      }
    }
  }

  /**
   * Starts a validator on the store, digest policy and entitlements of {@code service}, which also
   * hears of every change made through {@code service} before the service's call returns. The
   * shortcut for a host that runs the page and validates in one process.
   *
   * @throws NullPointerException if {@code service} is null
   */
  public static Builder builder(TokenService service) {
    Checks.notNull(service, "service");
    return new Builder(service.lookupContext(), service.invalidations(), service.clock(), service);
  }

  /**
   * Starts a validator that looks tokens up through {@code context} alone, for a process that
   * validates and runs no {@link TokenService}: it hears of changes only from a {@link
   * Builder#changeFollower} (or by its hard expiry).
   *
   * @throws NullPointerException if {@code context} is null
   */
  public static Builder builder(LookupContext context) {
    return new Builder(Checks.notNull(context, "lookup context"), null, null, null);
  }

  /**
   * Validates the token an EDI connector was given for a connection of {@code organization} and
   * {@code environment}.
   *
   * @param presented the token as received; {@code null} is refused like any malformed value
   * @return what was validated; the same instance for every hit on a cached token
   * @throws ConnectionOpenException with {@link ErrorCode#INVALID_TOKEN} or {@link
   *     ErrorCode#STORE_UNAVAILABLE}
   * @throws NullPointerException if scope, organization or environment is null
   * @throws IllegalStateException if the validator is closed
   */
  public ValidatedToken validate(
      @Nullable String presented,
      Scope scope,
      OrganizationId organization,
      EnvironmentId environment) {
    // Kept this small so that callers' compiled code inlines it: a refusal is then thrown in the
    // caller's own frame (a jump to its catch), not unwound by the runtime out of a deeper compiled
    // frame, which costs microseconds even without a stack trace. Measured when this was made so
    // (JMH, two forks, 100,000 tokens): a refusal of an unknown value seen before took 2.2-5.2 us
    // thrown from inside the decision, 0.18-0.2 us returned by it and thrown here. Measured
    // again after the validator was split (issue 12; RejectBenchmark, 100,000 tokens, 7 forks each,
    // medians, a loaded 2-core machine): with outcome() throwing itself, wrong prefix 116 ns, bad
    // checksum 208 ns, unknown seen before 556 ns; returned and thrown here, 32, 103 and 401 ns;
    // the cached hit no slower either way (0.93 and 1.00 x the floor, within the noise).
    Object outcome = outcome(presented, scope, organization, environment, null);
    if (outcome instanceof ValidatedToken token) {
      return token;
    }
    throw (ConnectionOpenException) outcome;
  }

  /**
   * Validates as {@link #validate(String, Scope, OrganizationId, EnvironmentId)} does, for a
   * connection from {@code source}: when this validation records the token's use ({@link
   * Builder#recordLastUsed}, once per token per {@link Builder#lastUsedInterval}), the use carries
   * the source, and the flush writes it with the use's time ({@link AccessToken#lastUsedFrom}).
   * Otherwise the source is not looked at again: a hit costs what it costs without one. Passing a
   * source is never required; a use recorded without one stores none.
   *
   * @param source where the connection came from, already checked when it was made ({@link
   *     ConnectionSource}); {@code null} is the same as the overload without it
   * @throws ConnectionOpenException with {@link ErrorCode#INVALID_TOKEN} or {@link
   *     ErrorCode#STORE_UNAVAILABLE}
   * @throws NullPointerException if scope, organization or environment is null
   * @throws IllegalStateException if the validator is closed
   */
  public ValidatedToken validate(
      @Nullable String presented,
      Scope scope,
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable ConnectionSource source) {
    Object outcome = outcome(presented, scope, organization, environment, source);
    if (outcome instanceof ValidatedToken token) {
      return token;
    }
    throw (ConnectionOpenException) outcome;
  }

  /**
   * What {@link #validate} returns, or the {@link ConnectionOpenException} it throws: the whole
   * decision in one flow (hit, negative hit, miss, then the checks every answer goes through).
   * Being one method, it is larger than the JIT inlines (HotSpot C2: 325 bytes of bytecode), so
   * validate's own compiled code stays a call and a throw, small enough for its callers to inline.
   */
  private Object outcome(
      @Nullable String presented,
      Scope scope,
      OrganizationId organization,
      EnvironmentId environment,
      @Nullable ConnectionSource source) {
    if (scope == null || organization == null || environment == null) {
      throw new NullPointerException(
          scope == null
              ? "scope must not be null"
              : organization == null
                  ? "organization must not be null"
                  : "environment must not be null");
    }
    if (closed) {
      throw new IllegalStateException("validator is closed");
    }
    TokenId id = presented == null ? null : TokenFormat.wellFormedId(presented);
    if (id == null || presented == null) { // the second test only tells the nullness checker
      return refuse(RefusalCause.MALFORMED);
    }
    CachedAnswer answer = read(answers, answersQuietly, id);
    long now = 0;
    long stamp = 0;
    boolean useDue = false;
    if (answer != null) {
      now = ticker.read();
      // One stamp, one comparison, with last use recorded or not (see CachedAnswer.hitUntil).
      // Past the stamp, the answer still stands if it is before its expiry: then the stamp was
      // the time a use of the token is due to be recorded (it never passes the expiry).
      stamp = answer.hitUntil();
      boolean current = now - stamp < 0;
      if (!current && now - answer.expiresAt < 0) {
        current = true;
        useDue = true;
      }
      if (current
          && lease.isTrustedAt(now)
          && organizationStamps.read(answer.organizationStripe) == answer.organizationStamp) {
        hits.increment();
        if (!answer.matches(presented)) {
          // The store's value for this id is known and differs: no other value can be valid.
          return refuse(RefusalCause.UNKNOWN);
        }
      } else {
        answer = null;
        useDue = false;
      }
    }
    if (answer == null) {
      long start = ticker.read();
      CachedUnknown unknown = read(unknowns, unknownsQuietly, id);
      if (unknown != null && start - unknown.expiresAt < 0 && unknown.matches(presented)) {
        negativeHits.increment();
        return refuse(RefusalCause.UNKNOWN);
      }
      misses.increment();
      if (issuedIds != null && issuedIds.neverIssued(id, start, start + lookupTimeoutNanos)) {
        return refuse(RefusalCause.UNKNOWN); // no token has this id: the store is not asked
      }
      // An unknown value still remembered for this id is another value than this one: the id is
      // being guessed at (or its owner comes after a guess), so the lookup takes the contested
      // lane.
      boolean contested = unknown != null && start - unknown.expiresAt < 0;
      answer = lookups.load(presented, id, start, contested);
      if (lastUses != null) {
        now = ticker.read(); // after the load, which set the answer's first use due
        stamp = answer.hitUntil();
        // Accepted on a fresh load even at its expiry; a stamp at the expiry is no use due.
        useDue = now - stamp >= 0 && stamp - answer.expiresAt < 0;
      }
    }
    ValidatedToken token = answer.token;
    if (token == null) { // CachedAnswer.NOT_FOUND
      return refuse(RefusalCause.UNKNOWN);
    }
    // The answer's own copies of the token's fields: a hit reads the cache entry and nothing beside
    // it.
    if (!organization.equals(answer.organization)) {
      return refuse(RefusalCause.WRONG_ORGANIZATION);
    }
    if (!environment.equals(answer.environment)) {
      return refuse(RefusalCause.WRONG_ENVIRONMENT);
    }
    if (answer.scope != scope) {
      return refuse(RefusalCause.WRONG_SCOPE);
    }
    if (!answer.entitled) {
      return refuse(RefusalCause.NOT_ENTITLED);
    }
    if (!answer.active) {
      return refuse(answer.expired ? RefusalCause.EXPIRED : RefusalCause.INACTIVE);
    }
    // A successor that retires its predecessor on first use: one final field read on the answer;
    // the retirement itself runs in the background, started once per answer.
    if (answer.retiresPredecessor) {
      retirement.onAccepted(answer, id, organization);
    }
    // Last used: the hit found a use due by the stamp it compares anyway; the use is recorded (in
    // memory, for the flush), and the stamp moved on, once per token per interval.
    LastUses uses = lastUses;
    if (useDue && uses != null) {
      uses.record(answer, stamp, now, source);
    }
    return token;
  }

  /**
   * Reads {@code key}'s entry. One read in {@link #RECORD_EVERY}, at random, is recorded in the
   * cache's eviction policy (as Caffeine itself drops reads when its read buffer is full); the
   * others read the map quietly. A recorded read goes through the read buffer, whose maintenance
   * runs on the executor: it reorders nodes on another core (costly on a large cache) and, as the
   * buffer fills every few reads, wakes a pool thread, which costs microseconds a time. Popular
   * entries are still recorded often, so they keep their place when the cache is full.
   */
  private static <V> @Nullable V read(
      Cache<TokenId, V> cache, Policy<TokenId, V> quietly, TokenId key) {
    return (ThreadLocalRandom.current().nextInt() & (RECORD_EVERY - 1)) == 0
        ? cache.getIfPresent(key)
        : quietly.getIfPresentQuietly(key);
  }

  /**
   * Counts an answer evicted because the cache was full, and says so (at most once per {@link
   * #SIZE_WARNING_INTERVAL}) once such evictions are a good part of the loads: the tokens in use do
   * not fit, and the store serves what the cache should.
   */
  private void evictedForSize() {
    sizeEvictions.increment();
    long evicted = sizeEvictions.sum();
    long loaded = lookups.loads();
    if (evicted >= EVICTIONS_TO_WARN && evicted > EVICTIONS_PER_LOAD_TO_WARN * loaded) {
      sizeWarnings.write(
          note ->
              log.warn(
                  "The validator's cache is too small for the tokens in use: {} of {} answers"
                      + " loaded from the store were evicted for size (maximumSize {}); set"
                      + " maximumSize to the number of tokens validated within expireAfter, with"
                      + " room to spare (about 230 bytes of heap each){}",
                  evicted,
                  loaded,
                  maximumSize,
                  note));
    }
  }

  /**
   * Fails the build, not the first flush, when the store keeps no last-used times: an empty write
   * answers at once from a store that keeps them, and the SPI's default throws. A store that cannot
   * be reached now is left for the flush to report.
   */
  private static void requireLastUsedTimes(io.accesstokens.spi.TokenStore store) {
    try {
      store.recordLastUsed(java.util.List.of());
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException(
          "recordLastUsed(true) needs a store that keeps last-used times: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      log.debug("Could not check that the store keeps last-used times: {}", e.toString());
    }
  }

  /** Runs a load of the issued ids on a daemon thread of its own. */
  private static void startLoader(Runnable load) {
    Thread t = new Thread(load, "access-tokens-issued-ids");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether the set of issued ids is loaded and trusted now, so that a value whose id is not in it
   * is refused without a store query (see {@link Builder#issuedIdSet}). For tests and monitoring.
   */
  public boolean knowsIssuedIds() {
    return issuedIds != null && issuedIds.isTrustedAt(ticker.read());
  }

  private ConnectionOpenException refuse(RefusalCause cause) {
    refusals[cause.ordinal()].increment();
    return new ConnectionOpenException(ErrorCode.INVALID_TOKEN);
  }

  // ---- invalidation and management
  // ----------------------------------------------------------------

  /**
   * Forgets what is cached about token {@code id}, in constant time, and makes any lookup of it
   * already in flight unable to install its answer. The one path every eviction takes: local
   * changes, remote changes, entitlement changes.
   *
   * @throws NullPointerException if {@code id} is null
   */
  public void invalidate(TokenId id) {
    Checks.notNull(id, "token id");
    lookups.forget(id);
    answers.invalidate(id);
    unknowns.invalidate(id);
  }

  /**
   * Forgets the answers cached for {@code organization}'s tokens, in constant time (the cache is
   * not scanned: each answer carries its organization's stamp, which this changes). For a validator
   * built from a {@link LookupContext} alone, when the host's {@link
   * io.accesstokens.spi.Entitlements} may answer differently for the organization; one built from a
   * service hears of it through {@link TokenService#entitlementChanged}, and every node through its
   * change follower.
   *
   * @throws NullPointerException if {@code organization} is null
   */
  public void invalidateOrganization(OrganizationId organization) {
    Checks.notNull(organization, "organization");
    forgetOrganization(ChangeRecord.organizationKey(organization).bits());
  }

  private void forgetOrganization(long organizationKey) {
    organizationStamps.bump(organizationKey);
  }

  /** Forgets everything cached, for example when a follower of remote changes lost its place. */
  public void invalidateAll() {
    lookups.forgetAll();
    answers.invalidateAll();
    unknowns.invalidateAll();
  }

  /** A snapshot of the counters. */
  public ValidatorStats stats() {
    Map<RefusalCause, Long> byCause = new EnumMap<>(RefusalCause.class);
    for (RefusalCause cause : CAUSES) {
      byCause.put(cause, refusals[cause.ordinal()].sum());
    }
    return new ValidatorStats(
        hits.sum(),
        misses.sum(),
        negativeHits.sum(),
        lookups.storeLookups(),
        lookups.failedClosed(),
        byCause,
        lookups.loads(),
        sizeEvictions.sum(),
        lookups.timedLookups(),
        lookups.lookupNanos(),
        lookups.contestedRefusals());
  }

  /**
   * Writes the uses this validator recorded since the last flush to the store ({@link
   * io.accesstokens.spi.TokenStore#recordLastUsed}), in batches, each token once, as a monotonic
   * maximum (a later time is never overwritten by an earlier one, from this node or another). For a
   * host that flushes on its own schedule; {@link Builder#lastUsedFlush} does it on the host's
   * scheduler instead. Calls do not overlap (a second waits for the first). Never called on the
   * validation path, and a validation never waits for it.
   *
   * @return how many tokens' uses were written; 0 when the validator records no uses ({@link
   *     Builder#recordLastUsed})
   * @throws StoreUnavailableException if the store could not be reached: the uses not written stay
   *     in memory for the next flush (at most {@link Builder#maximumSize} tokens' uses wait; beyond
   *     that, uses of further tokens are dropped until a flush succeeds)
   * @throws UnsupportedOperationException if the store keeps no last-used times
   */
  public int flushLastUsed() {
    return lastUses == null ? 0 : lastUses.flush();
  }

  /** Tokens whose recorded use waits for {@link #flushLastUsed()}; 0 when none are recorded. */
  public long pendingLastUses() {
    return lastUses == null ? 0 : lastUses.pending();
  }

  /**
   * Uses dropped because {@link Builder#maximumSize} tokens' uses already waited for a flush (the
   * store down for long); 0 when none are recorded.
   */
  public long droppedLastUses() {
    return lastUses == null ? 0 : lastUses.dropped();
  }

  /** Answers cached now (valid or not), not counting unknown values. Approximate. */
  public long cachedAnswers() {
    return answers.estimatedSize();
  }

  /**
   * Detaches from the service (no change reaches this validator any more), stops the change
   * follower if there is one, stops the validator's own lookup pool (its threads end when the
   * lookups they run end) and drops the cache. Later calls to {@link #validate} throw {@link
   * IllegalStateException}. The executors given to the builder were the host's and stay running.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      invalidations.unsubscribe(subscriber);
      if (issuedIds != null) {
        invalidations.unsubscribe(issuedIds);
        issuedIds.close();
      }
      if (follower != null) {
        follower.close();
      }
      lookups.close();
      invalidateAll();
      if (scheduledFlush != null) {
        scheduledFlush.cancel(false);
      }
      if (lastUses != null) {
        lastUses.flushQuietly(); // the uses since the last flush, not lost to a clean shutdown
      }
    }
  }

  /**
   * The refusal bound across nodes: the follower's, or zero on a single node (changes evict at
   * once).
   */
  public Duration refusalBound() {
    return follower == null ? Duration.ZERO : follower.refusalBound();
  }

  @Override
  public String toString() {
    return "TokenValidator[cached="
        + answers.estimatedSize()
        + ", expireAfter="
        + Duration.ofNanos(expireAfterNanos)
        + "]";
  }

  /** This validator's ear on the hub; a class of its own so no hub type shows in the API. */
  private final class Subscriber implements InvalidationHub.Subscriber {
    @Override
    public void invalidate(TokenId id) {
      TokenValidator.this.invalidate(id);
    }

    @Override
    public void invalidateAll() {
      TokenValidator.this.invalidateAll();
    }

    @Override
    public void invalidateOrganization(long organizationKey) {
      TokenValidator.this.forgetOrganization(organizationKey);
    }
  }

  // ---- configuration
  // ------------------------------------------------------------------------------

  /**
   * Configures a {@link TokenValidator}. Every setting may be set once and is checked when set; a
   * setting left unset takes its {@code DEFAULT_*} value when the validator is built, and {@link
   * #build()} never writes to the builder, which can build again. Not thread-safe.
   */
  public static final class Builder {
    private static final int UNSET_INT = -1;

    private final LookupContext context;
    private final @Nullable InvalidationHub serviceInvalidations;
    private long maximumSize = UNSET_INT;
    private @Nullable Duration expireAfter;
    private long negativeMaximumSize = UNSET_INT;
    private @Nullable Duration negativeExpireAfter;
    private @Nullable Duration lookupTimeout;
    private int maxConcurrentLookups = UNSET_INT;
    private @Nullable Ticker ticker;
    private @Nullable FreshnessLease lease;
    private @Nullable Executor executor;
    private @Nullable Executor lookupExecutor;
    private @Nullable ChangeFollower follower;
    private boolean issuedIdSet = true;
    private boolean issuedIdSetSet;
    private final @Nullable Clock serviceClock;

    /** The service this validator was built from, whose listeners hear of retirements; or null. */
    private final @Nullable TokenService service;

    private @Nullable Clock clock;
    private boolean recordLastUsed;
    private boolean recordLastUsedSet;
    private @Nullable Duration lastUsedInterval;
    private @Nullable ScheduledExecutorService lastUsedFlushScheduler;

    private Builder(
        LookupContext context,
        @Nullable InvalidationHub serviceInvalidations,
        @Nullable Clock serviceClock,
        @Nullable TokenService service) {
      this.context = context;
      this.serviceInvalidations = serviceInvalidations;
      this.serviceClock = serviceClock;
      this.service = service;
    }

    /**
     * Most tokens whose answers are cached; default {@value TokenValidator#DEFAULT_MAXIMUM_SIZE}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder maximumSize(long size) {
      Checks.state(maximumSize == UNSET_INT, "maximum size already set to " + maximumSize);
      Checks.argument(size > 0, "maximum size must be positive, but was " + size);
      this.maximumSize = size;
      return this;
    }

    /**
     * The hard expiry: no cached answer is used longer than this after the store was read, whatever
     * else happens; default {@link TokenValidator#DEFAULT_EXPIRE_AFTER} (60 seconds), or {@link
     * TokenValidator#DEFAULT_EXPIRE_AFTER_FOLLOWED} (30 minutes) with a {@link #changeFollower},
     * whose lease keeps the cache fresh.
     *
     * @throws IllegalArgumentException unless between 1 millisecond and 1 day
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalStateException if already set
     */
    public Builder expireAfter(Duration duration) {
      Checks.state(expireAfter == null, "expire after already set to " + expireAfter);
      this.expireAfter =
          checkDuration(duration, "expire after", Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /**
     * Most unknown values remembered; default {@value
     * TokenValidator#DEFAULT_NEGATIVE_MAXIMUM_SIZE}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder negativeMaximumSize(long size) {
      Checks.state(
          negativeMaximumSize == UNSET_INT,
          "negative maximum size already set to " + negativeMaximumSize);
      Checks.argument(size > 0, "negative maximum size must be positive, but was " + size);
      this.negativeMaximumSize = size;
      return this;
    }

    /**
     * How long an unknown value is refused without asking the store again; default {@link
     * TokenValidator#DEFAULT_NEGATIVE_EXPIRE_AFTER} (10 seconds).
     *
     * @throws IllegalArgumentException unless between 1 millisecond and 1 hour
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalStateException if already set
     */
    public Builder negativeExpireAfter(Duration duration) {
      Checks.state(
          negativeExpireAfter == null,
          "negative expire after already set to " + negativeExpireAfter);
      this.negativeExpireAfter =
          checkDuration(
              duration, "negative expire after", Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * The longest a miss waits for a lookup slot and for the store's answer before failing closed;
     * default {@link TokenValidator#DEFAULT_LOOKUP_TIMEOUT} (2 seconds).
     *
     * @throws IllegalArgumentException unless between 1 millisecond and 1 minute
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalStateException if already set
     */
    public Builder lookupTimeout(Duration duration) {
      Checks.state(lookupTimeout == null, "lookup timeout already set to " + lookupTimeout);
      this.lookupTimeout =
          checkDuration(duration, "lookup timeout", Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Most store lookups running at once; default {@value
     * TokenValidator#DEFAULT_MAX_CONCURRENT_LOOKUPS}.
     *
     * @throws IllegalArgumentException unless between 1 and 10,000
     * @throws IllegalStateException if already set
     */
    public Builder maxConcurrentLookups(int max) {
      Checks.state(
          maxConcurrentLookups == UNSET_INT,
          "max concurrent lookups already set to " + maxConcurrentLookups);
      Checks.argument(
          max >= 1 && max <= 10_000,
          "max concurrent lookups must be between 1 and 10000, but was " + max);
      this.maxConcurrentLookups = max;
      return this;
    }

    /**
     * The time source for expiry and timeouts; default {@link Ticker#systemTicker()}.
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
     * The clock tokens' expiry is compared with, on a miss; default the service's clock ({@link
     * TokenService.Builder#clock}) for a validator built from a service, else {@link
     * Clock#systemUTC()}. Read once per store lookup, never on a hit.
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
     * Who says how long cached answers may be trusted; default {@link FreshnessLease#always()}.
     *
     * @throws NullPointerException if {@code lease} is null
     * @throws IllegalStateException if a lease or a change follower is already set
     */
    public Builder freshnessLease(FreshnessLease lease) {
      Checks.state(this.lease == null && follower == null, "freshness lease already set");
      this.lease = Checks.notNull(lease, "freshness lease");
      return this;
    }

    /**
     * Runs the caches' maintenance (eviction); default {@link ForkJoinPool#commonPool()}.
     *
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      Checks.state(this.executor == null, "executor already set");
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * Follows other nodes' changes through {@code follower}, which also becomes the freshness
     * lease; the validator starts it and {@link TokenValidator#close()} stops it. For nodes sharing
     * a store. Default none.
     *
     * @throws NullPointerException if {@code follower} is null
     * @throws IllegalStateException if a lease or a change follower is already set
     */
    public Builder changeFollower(ChangeFollower follower) {
      Checks.state(this.lease == null && this.follower == null, "freshness lease already set");
      this.follower = Checks.notNull(follower, "change follower");
      return this;
    }

    /**
     * Whether the validator keeps the set of issued token ids, when its {@link #changeFollower}
     * reads a feed that logs creations ({@link io.accesstokens.spi.ChangeFeed#recordsCreations()};
     * the memory and JDBC stores' feeds do): default true. The set is loaded by scanning the store
     * once the follower is warm, kept current by this node's creates and the feed, and trusted only
     * while the follower holds its lease; then a value whose id no token has is refused as {@link
     * ErrorCode#INVALID_TOKEN} without a store query (a value created on another node moments ago
     * waits for the follower's next catch-up, within {@link #lookupTimeout}). About 17 bytes of
     * heap per token in the store. Set false during a rolling upgrade from a version whose nodes
     * did not log creations, until every node does: until then a token such a node creates would be
     * refused by the others.
     *
     * @throws IllegalStateException if already set
     */
    public Builder issuedIdSet(boolean enabled) {
      Checks.state(!issuedIdSetSet, "issued id set already set to " + issuedIdSet);
      this.issuedIdSet = enabled;
      this.issuedIdSetSet = true;
      return this;
    }

    /**
     * Runs store lookups, so a caller waits at most {@link #lookupTimeout} even if the store hangs;
     * default the validator's own pool (at most {@link #maxConcurrentLookups} daemon threads named
     * {@code access-tokens-lookup-*}, started when needed, stopped by {@link
     * TokenValidator#close()}). {@code Runnable::run} runs lookups on the calling thread, saving a
     * thread hand-off per miss, but then only the store's own timeouts bound a hung lookup.
     *
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalStateException if already set
     */
    public Builder lookupExecutor(Executor executor) {
      Checks.state(this.lookupExecutor == null, "lookup executor already set");
      this.lookupExecutor = Checks.notNull(executor, "lookup executor");
      return this;
    }

    /**
     * Whether the validator records when it accepts each token, for the page's Last used column and
     * {@link TokenService#unusedSince}: default false. Recording costs a hit nothing (the next
     * use's due time is folded into the time stamp every hit compares) but, once per token per
     * {@link #lastUsedInterval}, a compare-and-set, a clock read and a map entry; nothing is
     * written to the store on the validation path. The uses are written by {@link
     * TokenValidator#flushLastUsed()}, which the host calls on its own schedule, or by the
     * scheduler given to {@link #lastUsedFlush}. Off by default because it needs both: a store that
     * keeps last-used times ({@link io.accesstokens.spi.TokenStore#recordLastUsed}; the memory and
     * JDBC stores do, a host's own store may not) and a flush that the host schedules (the library
     * starts no thread of its own for it); on without a flush, uses would only pile up.
     *
     * @throws IllegalStateException if already set
     */
    public Builder recordLastUsed(boolean enabled) {
      Checks.state(!recordLastUsedSet, "record last used already set to " + recordLastUsed);
      this.recordLastUsed = enabled;
      this.recordLastUsedSet = true;
      return this;
    }

    /**
     * How often a token's use is recorded (a hit records one only when the last recorded is this
     * old) and how often {@link #lastUsedFlush} writes: default {@link
     * TokenValidator#DEFAULT_LAST_USED_INTERVAL} (10 minutes). Each token is written at most once
     * per interval per node: 100,000 tokens in use cost at most 100,000 / interval row writes (167
     * a second at 10 minutes). A crash loses at most the last interval's uses.
     *
     * @throws IllegalArgumentException unless between 1 second and 1 day
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalStateException if already set
     */
    public Builder lastUsedInterval(Duration interval) {
      Checks.state(
          lastUsedInterval == null, "last used interval already set to " + lastUsedInterval);
      this.lastUsedInterval =
          checkDuration(interval, "last used interval", Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    /**
     * Flushes the recorded uses every {@link #lastUsedInterval} on {@code scheduler} (the host's:
     * the library starts no thread for it), the first one interval after the build; a flush that
     * fails is logged (at most once a minute) and its uses wait for the next. {@link
     * TokenValidator#close()} cancels the schedule and flushes once more; the scheduler stays the
     * host's. Default none: the host calls {@link TokenValidator#flushLastUsed()} itself.
     *
     * @throws NullPointerException if {@code scheduler} is null
     * @throws IllegalStateException if already set
     */
    public Builder lastUsedFlush(ScheduledExecutorService scheduler) {
      Checks.state(lastUsedFlushScheduler == null, "last used flush already set");
      this.lastUsedFlushScheduler = Checks.notNull(scheduler, "last used flush scheduler");
      return this;
    }

    /**
     * Builds the validator, and starts its change follower if it has one. Reads the settings and
     * never writes to this builder, which can build again.
     *
     * @throws IllegalStateException if the change follower already serves another validator, or if
     *     {@link #lastUsedInterval} or {@link #lastUsedFlush} is set without {@link
     *     #recordLastUsed} true
     */
    public TokenValidator build() {
      Checks.state(
          recordLastUsed || (lastUsedInterval == null && lastUsedFlushScheduler == null),
          "last used interval and last used flush need recordLastUsed(true)");
      return new TokenValidator(this);
    }

    // Each setting with its default resolved, never written back (so a later setter still works).

    LookupContext getLookupContext() {
      return context;
    }

    /** The service's hub, or a new one of this validator's own (only its follower publishes). */
    InvalidationHub getInvalidations() {
      return serviceInvalidations == null ? new InvalidationHub() : serviceInvalidations;
    }

    long getMaximumSize() {
      return maximumSize == UNSET_INT ? DEFAULT_MAXIMUM_SIZE : maximumSize;
    }

    Duration getExpireAfter() {
      return expireAfter != null
          ? expireAfter
          : follower != null ? DEFAULT_EXPIRE_AFTER_FOLLOWED : DEFAULT_EXPIRE_AFTER;
    }

    long getNegativeMaximumSize() {
      return negativeMaximumSize == UNSET_INT ? DEFAULT_NEGATIVE_MAXIMUM_SIZE : negativeMaximumSize;
    }

    Duration getNegativeExpireAfter() {
      return negativeExpireAfter == null ? DEFAULT_NEGATIVE_EXPIRE_AFTER : negativeExpireAfter;
    }

    Duration getLookupTimeout() {
      return lookupTimeout == null ? DEFAULT_LOOKUP_TIMEOUT : lookupTimeout;
    }

    int getMaxConcurrentLookups() {
      return maxConcurrentLookups == UNSET_INT
          ? DEFAULT_MAX_CONCURRENT_LOOKUPS
          : maxConcurrentLookups;
    }

    Ticker getTicker() {
      return ticker == null ? Ticker.systemTicker() : ticker;
    }

    Clock getClock() {
      return clock != null ? clock : serviceClock != null ? serviceClock : Clock.systemUTC();
    }

    FreshnessLease getFreshnessLease() {
      return follower != null ? follower : lease != null ? lease : FreshnessLease.always();
    }

    Executor getExecutor() {
      return executor == null ? ForkJoinPool.commonPool() : executor;
    }

    Duration getLastUsedInterval() {
      return lastUsedInterval == null ? DEFAULT_LAST_USED_INTERVAL : lastUsedInterval;
    }

    @Nullable Executor getLookupExecutor() {
      return lookupExecutor;
    }

    private static Duration checkDuration(Duration d, String name, Duration min, Duration max) {
      Checks.notNull(d, name);
      Checks.argument(
          d.compareTo(min) >= 0 && d.compareTo(max) <= 0,
          name + " must be between " + min + " and " + max + ", but was " + d);
      return d;
    }
  }
}
