package io.accesstokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Interner;
import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Generations;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
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
 * <p><b>Answers.</b> {@link #validate} returns a {@link ValidatedToken} or throws
 * {@link ConnectionOpenException}: {@link ErrorCode#INVALID_TOKEN} (message exactly {@code Error
 * opening connection. Exception is: Error code: INVALID_TOKEN}) for a malformed, unknown, inactive,
 * deleted, foreign, wrong-environment or wrong-scope token or an organization without EDI access, all
 * alike; {@link ErrorCode#STORE_UNAVAILABLE} when the store could not answer in time (fail closed).
 *
 * <p><b>Cache.</b> Answers are cached by the token id written inside the value, with the value's
 * secret digits to compare in constant time. A cached answer is used only while the ticker is before
 * its hard expiry ({@link Builder#expireAfter}, counted from when the store was read) and the
 * {@link FreshnessLease} trusts the cache. Malformed values are refused without a lookup and never
 * cached; unknown well-formed values are remembered briefly in a separate, bounded cache
 * ({@link Builder#negativeExpireAfter}), so repeating a guess does not reach the store while a flood
 * of distinct guesses cannot push valid tokens out. Concurrent misses for one value make one store
 * call.
 *
 * <p><b>Coherence.</b> Status changes and deletes made through the service this validator was built
 * from evict the token before the service call returns. Every eviction goes through
 * {@link #invalidate(TokenId)}, which also bumps a generation that a lookup started earlier checks
 * before installing its answer: a lookup in flight during a change can never put the old answer back.
 *
 * <p><b>Bounded misses.</b> At most {@link Builder#maxConcurrentLookups} store lookups run at once; a
 * miss that cannot get a slot, or whose lookup does not answer within {@link Builder#lookupTimeout},
 * fails closed. Lookups run on the calling thread by default (the lowest latency; the store's own
 * timeouts then bound a hung call); with {@link Builder#lookupExecutor} they run there and the caller
 * waits at most the timeout.
 *
 * <p>Thread-safe. {@link #close()} detaches the validator from its service.
 */
public final class TokenValidator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);
  private static final RefusalCause[] CAUSES = RefusalCause.values();

  private final TokenService service;
  private final TokenStore store;
  private final DigestPolicy digestPolicy;
  private final Entitlements entitlements;
  private final Ticker ticker;
  private final FreshnessLease lease;
  private final @Nullable ChangeFollower follower;
  private final long expireAfterNanos;
  private final long negativeExpireAfterNanos;
  private final long lookupTimeoutNanos;
  private final @Nullable Executor lookupExecutor;
  private final Cache<TokenId, Answer> answers;
  private final Cache<TokenId, Unknown> unknowns;
  private final ConcurrentHashMap<TokenId, Lookup> lookups = new ConcurrentHashMap<>();
  private final int maxConcurrentLookups;
  private final Semaphore lookupPermits;
  private final Generations generations = new Generations();
  private final Interner<Object> interner = Interner.newWeakInterner();
  private final Consumer<TokenId> invalidation = this::invalidate;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder negativeHits = new LongAdder();
  private final LongAdder storeLookups = new LongAdder();
  private final LongAdder failClosed = new LongAdder();
  private final LongAdder[] refusals = new LongAdder[CAUSES.length];

  private volatile boolean closed;

  private TokenValidator(Builder b) {
    this.service = b.service;
    this.store = service.store();
    this.digestPolicy = service.digestPolicy();
    this.entitlements = service.entitlements();
    this.ticker = b.ticker;
    this.lease = b.follower != null ? b.follower : b.lease;
    this.expireAfterNanos = b.expireAfter.toNanos();
    this.negativeExpireAfterNanos = b.negativeExpireAfter.toNanos();
    this.lookupTimeoutNanos = b.lookupTimeout.toNanos();
    this.lookupExecutor = b.lookupExecutor;
    this.maxConcurrentLookups = b.maxConcurrentLookups;
    this.lookupPermits = new Semaphore(b.maxConcurrentLookups);
    // No expireAfterWrite: each answer carries its own expiry stamp, checked against the one ticker
    // read the hit needs anyway, which costs far less than Caffeine's per-read expiry bookkeeping.
    this.answers = Caffeine.newBuilder().maximumSize(b.maximumSize).executor(b.executor).build();
    this.unknowns = Caffeine.newBuilder().maximumSize(b.negativeMaximumSize).executor(b.executor).build();
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new LongAdder();
    }
    service.addInvalidationListener(invalidation);
    this.follower = b.follower;
    if (follower != null) {
      follower.attach(this);
    }
  }

  /** Starts a validator on the store, policies and entitlements of {@code service}. */
  public static Builder builder(TokenService service) {
    return new Builder(Checks.notNull(service, "service"));
  }

  /**
   * Validates the token an EDI connector was given for a connection of {@code organization} and
   * {@code environment}.
   *
   * @param presented the token as received; {@code null} is refused like any malformed value
   * @return what was validated; the same instance for every hit on a cached token
   * @throws ConnectionOpenException with {@link ErrorCode#INVALID_TOKEN} or
   *     {@link ErrorCode#STORE_UNAVAILABLE}
   * @throws NullPointerException if scope, organization or environment is null
   * @throws IllegalStateException if the validator is closed
   */
  public ValidatedToken validate(
      @Nullable String presented, Scope scope, OrganizationId organization, EnvironmentId environment) {
    if (scope == null || organization == null || environment == null) {
      throw new NullPointerException(
          scope == null ? "scope must not be null"
              : organization == null ? "organization must not be null" : "environment must not be null");
    }
    if (closed) {
      throw new IllegalStateException("validator is closed");
    }
    if (presented == null || !TokenFormat.isWellFormed(presented)) {
      throw refuse(RefusalCause.MALFORMED);
    }
    TokenId id = new TokenId(TokenFormat.idBits(presented));
    Answer answer = answers.getIfPresent(id);
    if (answer != null) {
      long now = ticker.read();
      if (now - answer.expiresAt < 0 && lease.isTrustedAt(now)) {
        hits.increment();
        if (!TokenFormat.secretEquals(presented, answer.secret)) {
          // The store's value for this id is known and differs: no other value can be valid.
          throw refuse(RefusalCause.UNKNOWN);
        }
        return decide(answer, scope, organization, environment);
      }
    }
    return miss(presented, id, scope, organization, environment);
  }

  private ValidatedToken miss(
      String presented, TokenId id, Scope scope, OrganizationId organization, EnvironmentId environment) {
    long start = ticker.read();
    Unknown unknown = unknowns.getIfPresent(id);
    if (unknown != null && start - unknown.expiresAt < 0 && TokenFormat.secretEquals(presented, unknown.secret)) {
      negativeHits.increment();
      throw refuse(RefusalCause.UNKNOWN);
    }
    misses.increment();
    Answer answer = load(presented, id, start);
    if (answer == Answer.NOT_FOUND) {
      throw refuse(RefusalCause.UNKNOWN);
    }
    return decide(answer, scope, organization, environment);
  }

  private ValidatedToken decide(
      Answer answer, Scope scope, OrganizationId organization, EnvironmentId environment) {
    ValidatedToken token = answer.token;
    if (token == null) {
      throw refuse(RefusalCause.UNKNOWN);
    }
    if (!token.organization().equals(organization)) {
      throw refuse(RefusalCause.WRONG_ORGANIZATION);
    }
    if (!token.environment().equals(environment)) {
      throw refuse(RefusalCause.WRONG_ENVIRONMENT);
    }
    if (token.scope() != scope) {
      throw refuse(RefusalCause.WRONG_SCOPE);
    }
    if (!answer.entitled) {
      throw refuse(RefusalCause.NOT_ENTITLED);
    }
    if (!answer.active) {
      throw refuse(RefusalCause.INACTIVE);
    }
    return token;
  }

  private ConnectionOpenException refuse(RefusalCause cause) {
    refusals[cause.ordinal()].increment();
    return new ConnectionOpenException(ErrorCode.INVALID_TOKEN);
  }

  private ConnectionOpenException failClosed() {
    failClosed.increment();
    return new ConnectionOpenException(ErrorCode.STORE_UNAVAILABLE);
  }

  // ---- the miss path ------------------------------------------------------------------------------

  /** The answer of the store for {@code presented}, joining a lookup of the same value in flight. */
  private Answer load(String presented, TokenId id, long start) {
    Lookup mine = new Lookup(presented);
    Lookup running = lookups.putIfAbsent(id, mine);
    if (running != null && TokenFormat.secretEquals(presented, running.secret)) {
      return await(running, start);
    }
    // Another value with the same id is being looked up (only a forgery can do that): look up this
    // one on its own, unregistered, so neither can answer for the other.
    boolean registered = running == null;
    Runnable task = () -> runLookup(mine, id, registered);
    if (lookupExecutor == null) {
      task.run();
    } else {
      try {
        lookupExecutor.execute(task);
      } catch (RejectedExecutionException e) {
        mine.result.completeExceptionally(e);
        if (registered) {
          lookups.remove(id, mine);
        }
      }
    }
    return await(mine, start);
  }

  private Answer await(Lookup lookup, long start) {
    try {
      Answer done = lookup.result.getNow(null);
      if (done != null) {
        return done;
      }
      long remaining = lookupTimeoutNanos - (ticker.read() - start);
      return lookup.result.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failClosed();
    } catch (TimeoutException | ExecutionException | java.util.concurrent.CompletionException e) {
      throw failClosed();
    }
  }

  private void runLookup(Lookup lookup, TokenId id, boolean registered) {
    long generation = generations.current(id.bits());
    long start = ticker.read();
    try {
      if (!lookupPermits.tryAcquire(lookupTimeoutNanos, TimeUnit.NANOSECONDS)) {
        log.warn("Token lookup refused: {} lookups already running (maxConcurrentLookups)",
            lookupPermitsInUse());
        lookup.result.completeExceptionally(new TimeoutException("no lookup slot"));
        return;
      }
      Answer answer;
      try {
        answer = lookUp(lookup.presented, lookup.secret, id, start);
      } finally {
        lookupPermits.release();
      }
      install(id, generation, answer, lookup.secret, start);
      lookup.result.complete(answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lookup.result.completeExceptionally(e);
    } catch (RuntimeException e) {
      // The store's messages never carry a value or digest (TokenStore contract); ours never do.
      log.warn("Token lookup failed, refusing with STORE_UNAVAILABLE: {}", e.toString());
      lookup.result.completeExceptionally(e);
    } finally {
      if (registered) {
        lookups.remove(id, lookup);
      }
    }
  }

  private Answer lookUp(String presented, byte[] secret, TokenId id, long start) {
    List<LookupDigest> candidates = digestPolicy.candidates(presented);
    StoredToken row = null;
    for (LookupDigest digest : candidates) {
      row = findByDigest(digest);
      if (row != null) {
        break;
      }
    }
    if (row == null && candidates.size() > 1) {
      // A reseal may have moved the row from a retired digest to the current one between our
      // lookups; rows only ever move to the current key, so one more look there closes the gap.
      row = findByDigest(candidates.get(0));
    }
    if (row == null) {
      return Answer.NOT_FOUND;
    }
    if (row.id().bits() != id.bits()) {
      log.error("Store returned token {} for a digest of token {}; treating it as unknown", row.id(), id);
      return Answer.NOT_FOUND;
    }
    AccessToken token = row.token();
    ValidatedToken validated = new ValidatedToken(
        id, intern(token.organization()), intern(token.environment()), token.scope());
    boolean entitled = entitlements.isEntitled(token.organization(), token.scope());
    return new Answer(secret, validated, token.isActive(), entitled, start + expireAfterNanos);
  }

  private @Nullable StoredToken findByDigest(LookupDigest digest) {
    storeLookups.increment();
    return store.findByDigest(digest).orElse(null);
  }

  private void install(TokenId id, long generation, Answer answer, byte[] secret, long start) {
    if (answer == Answer.NOT_FOUND) {
      Unknown unknown = new Unknown(secret, start + negativeExpireAfterNanos);
      unknowns.asMap().compute(id, (key, old) -> generations.current(id.bits()) == generation ? unknown : old);
    } else {
      answers.asMap().compute(id, (key, old) -> generations.current(id.bits()) == generation ? answer : old);
      unknowns.invalidate(id);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T intern(T value) {
    return (T) interner.intern(value);
  }

  private int lookupPermitsInUse() {
    return Math.max(0, maxConcurrentLookups - lookupPermits.availablePermits());
  }

  // ---- invalidation and management ----------------------------------------------------------------

  /**
   * Forgets what is cached about token {@code id}, in constant time, and makes any lookup of it
   * already in flight unable to install its answer. The one path every eviction takes: local
   * changes, remote changes, entitlement changes.
   */
  public void invalidate(TokenId id) {
    Checks.notNull(id, "token id");
    generations.bump(id.bits());
    lookups.remove(id);
    answers.invalidate(id);
    unknowns.invalidate(id);
  }

  /** Forgets everything cached, for example when a follower of remote changes lost its place. */
  public void invalidateAll() {
    generations.bumpAll();
    lookups.clear();
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
        hits.sum(), misses.sum(), negativeHits.sum(), storeLookups.sum(), failClosed.sum(), byCause);
  }

  /** Answers cached now (valid or not), not counting unknown values. Approximate. */
  public long cachedAnswers() {
    return answers.estimatedSize();
  }

  /**
   * Detaches from the service, stops the change follower if there is one, and drops the cache. Later
   * calls to {@link #validate} throw {@link IllegalStateException}. The executors were the host's and
   * stay running. Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      service.removeInvalidationListener(invalidation);
      if (follower != null) {
        follower.close();
      }
      invalidateAll();
    }
  }

  /** The refusal bound across nodes: the follower's, or zero on a single node (changes evict at once). */
  public Duration refusalBound() {
    return follower == null ? Duration.ZERO : follower.refusalBound();
  }

  @Override
  public String toString() {
    return "TokenValidator[cached=" + answers.estimatedSize() + ", expireAfter="
        + Duration.ofNanos(expireAfterNanos) + "]";
  }

  // ---- cache entries ------------------------------------------------------------------------------

  /** The store's answer for one token id, as of when it was read. */
  private static final class Answer {
    static final Answer NOT_FOUND = new Answer(new byte[0], null, false, false, 0);

    final byte[] secret;
    /** Null only in {@link #NOT_FOUND}. */
    final @Nullable ValidatedToken token;
    final boolean active;
    final boolean entitled;
    final long expiresAt;

    Answer(byte[] secret, @Nullable ValidatedToken token, boolean active, boolean entitled, long expiresAt) {
      this.secret = secret;
      this.token = token;
      this.active = active;
      this.entitled = entitled;
      this.expiresAt = expiresAt;
    }
  }

  /** A value the store did not know, as of when it was read. */
  private static final class Unknown {
    final byte[] secret;
    final long expiresAt;

    Unknown(byte[] secret, long expiresAt) {
      this.secret = secret;
      this.expiresAt = expiresAt;
    }
  }

  /** A store lookup in flight, which concurrent misses for the same value wait for. */
  private static final class Lookup {
    final String presented;
    final byte[] secret;
    final CompletableFuture<Answer> result = new CompletableFuture<>();

    Lookup(String presented) {
      this.presented = presented;
      this.secret = TokenFormat.secretBytes(presented);
    }
  }

  // ---- configuration ------------------------------------------------------------------------------

  /**
   * Configures a {@link TokenValidator}. Every setting may be set once and is checked when set. Not
   * thread-safe.
   */
  public static final class Builder {
    private final TokenService service;
    private long maximumSize = -1;
    private @Nullable Duration expireAfter;
    private long negativeMaximumSize = -1;
    private @Nullable Duration negativeExpireAfter;
    private @Nullable Duration lookupTimeout;
    private int maxConcurrentLookups = -1;
    private @Nullable Ticker ticker;
    private @Nullable FreshnessLease lease;
    private @Nullable Executor executor;
    private @Nullable Executor lookupExecutor;
    private @Nullable ChangeFollower follower;

    private Builder(TokenService service) {
      this.service = service;
    }

    /** Most tokens whose answers are cached; default 100,000. */
    public Builder maximumSize(long size) {
      Checks.state(maximumSize < 0, "maximum size already set to " + maximumSize);
      Checks.argument(size > 0, "maximum size must be positive, but was " + size);
      this.maximumSize = size;
      return this;
    }

    /**
     * The hard expiry: no cached answer is used longer than this after the store was read, whatever
     * else happens; default 60 seconds. Between 1 millisecond and 1 day.
     */
    public Builder expireAfter(Duration duration) {
      Checks.state(expireAfter == null, "expire after already set to " + expireAfter);
      this.expireAfter = checkDuration(duration, "expire after", Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /** Most unknown values remembered; default 10,000. */
    public Builder negativeMaximumSize(long size) {
      Checks.state(negativeMaximumSize < 0, "negative maximum size already set to " + negativeMaximumSize);
      Checks.argument(size > 0, "negative maximum size must be positive, but was " + size);
      this.negativeMaximumSize = size;
      return this;
    }

    /**
     * How long an unknown value is refused without asking the store again; default 10 seconds.
     * Between 1 millisecond and 1 hour.
     */
    public Builder negativeExpireAfter(Duration duration) {
      Checks.state(negativeExpireAfter == null, "negative expire after already set to " + negativeExpireAfter);
      this.negativeExpireAfter =
          checkDuration(duration, "negative expire after", Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * The longest a miss waits for a lookup slot and for the store's answer before failing closed;
     * default 2 seconds. Between 1 millisecond and 1 minute.
     */
    public Builder lookupTimeout(Duration duration) {
      Checks.state(lookupTimeout == null, "lookup timeout already set to " + lookupTimeout);
      this.lookupTimeout = checkDuration(duration, "lookup timeout", Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /** Most store lookups running at once; default 16. Between 1 and 10,000. */
    public Builder maxConcurrentLookups(int max) {
      Checks.state(maxConcurrentLookups < 0, "max concurrent lookups already set to " + maxConcurrentLookups);
      Checks.argument(max >= 1 && max <= 10_000,
          "max concurrent lookups must be between 1 and 10000, but was " + max);
      this.maxConcurrentLookups = max;
      return this;
    }

    /** The time source for expiry and timeouts; default {@link Ticker#systemTicker()}. */
    public Builder ticker(Ticker ticker) {
      Checks.state(this.ticker == null, "ticker already set");
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /** Who says how long cached answers may be trusted; default {@link FreshnessLease#always()}. */
    public Builder freshnessLease(FreshnessLease lease) {
      Checks.state(this.lease == null && follower == null, "freshness lease already set");
      this.lease = Checks.notNull(lease, "freshness lease");
      return this;
    }

    /** Runs the caches' maintenance (eviction); default {@link ForkJoinPool#commonPool()}. */
    public Builder executor(Executor executor) {
      Checks.state(this.executor == null, "executor already set");
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * Follows other nodes' changes through {@code follower}, which also becomes the freshness lease;
     * the validator starts it and {@link TokenValidator#close()} stops it. For nodes sharing a store.
     */
    public Builder changeFollower(ChangeFollower follower) {
      Checks.state(this.lease == null && this.follower == null, "freshness lease already set");
      this.follower = Checks.notNull(follower, "change follower");
      return this;
    }

    /**
     * Runs store lookups, so a caller waits at most {@link #lookupTimeout} even if the store hangs;
     * default none (lookups run on the calling thread, which saves a thread hand-off per miss).
     */
    public Builder lookupExecutor(Executor executor) {
      Checks.state(this.lookupExecutor == null, "lookup executor already set");
      this.lookupExecutor = Checks.notNull(executor, "lookup executor");
      return this;
    }

    public TokenValidator build() {
      if (maximumSize < 0) maximumSize = 100_000;
      if (expireAfter == null) expireAfter = Duration.ofSeconds(60);
      if (negativeMaximumSize < 0) negativeMaximumSize = 10_000;
      if (negativeExpireAfter == null) negativeExpireAfter = Duration.ofSeconds(10);
      if (lookupTimeout == null) lookupTimeout = Duration.ofSeconds(2);
      if (maxConcurrentLookups < 0) maxConcurrentLookups = 16;
      if (ticker == null) ticker = Ticker.systemTicker();
      if (lease == null) lease = FreshnessLease.always();
      if (executor == null) executor = ForkJoinPool.commonPool();
      return new TokenValidator(this);
    }

    private static Duration checkDuration(Duration d, String name, Duration min, Duration max) {
      Checks.notNull(d, name);
      Checks.argument(d.compareTo(min) >= 0 && d.compareTo(max) <= 0,
          name + " must be between " + min + " and " + max + ", but was " + d);
      return d;
    }
  }
}
