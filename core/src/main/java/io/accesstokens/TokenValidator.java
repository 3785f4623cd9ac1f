package io.accesstokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Interner;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Generations;
import io.accesstokens.internal.LogThrottle;
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
import java.util.concurrent.ThreadLocalRandom;
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
 * <p><b>Coherence.</b> Status changes and deletes made through the service this validator was built
 * from evict the token before the service call returns. Every eviction goes through {@link
 * #invalidate(TokenId)}, which also bumps a generation that a lookup started earlier checks before
 * installing its answer: a lookup in flight during a change can never put the old answer back.
 *
 * <p><b>Bounded misses.</b> At most {@link Builder#maxConcurrentLookups} store lookups run at once;
 * a miss that cannot get a slot, or whose lookup does not answer within {@link
 * Builder#lookupTimeout}, fails closed. Lookups run on the calling thread by default (the lowest
 * latency; the store's own timeouts then bound a hung call); with {@link Builder#lookupExecutor}
 * they run there and the caller waits at most the timeout.
 *
 * <p><b>Logging.</b> A refused lookup (no slot), a failed one (the store threw) and a store
 * answering for the wrong token are logged, each kind at most once per 10 seconds of the ticker's
 * time, the line counting those held back since the last: a flood of requests is not a flood of log
 * lines.
 *
 * <p>Thread-safe. {@link #close()} detaches the validator from its service.
 */
public final class TokenValidator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenValidator.class);
  private static final RefusalCause[] CAUSES = RefusalCause.values();

  /** A power of two: how many cache reads, on average, for one recorded in the eviction policy. */
  private static final int RECORD_EVERY = 16;

  /**
   * The shortest time between two log lines of one kind on the validation path (a refused lookup, a
   * failed one, a store answering for the wrong token): each can happen on every request, so under
   * a flood each kind writes one line per interval, which counts the lines held back.
   */
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

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
  private final Policy<TokenId, Answer> answersQuietly;
  private final Cache<TokenId, Unknown> unknowns;
  private final Policy<TokenId, Unknown> unknownsQuietly;
  private final ConcurrentHashMap<TokenId, Lookup> lookups = new ConcurrentHashMap<>();
  private final int maxConcurrentLookups;
  private final Semaphore lookupPermits;
  private final Generations generations = new Generations();
  private final Interner<Object> interner = Interner.newWeakInterner();
  private final Consumer<TokenId> invalidation = this::invalidate;
  private final LogThrottle refusedLookupLines;
  private final LogThrottle failedLookupLines;
  private final LogThrottle wrongRowLines;

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
    this.ticker = b.getTicker();
    this.lease = b.getFreshnessLease();
    this.expireAfterNanos = b.getExpireAfter().toNanos();
    this.negativeExpireAfterNanos = b.getNegativeExpireAfter().toNanos();
    this.lookupTimeoutNanos = b.getLookupTimeout().toNanos();
    this.lookupExecutor = b.lookupExecutor;
    this.maxConcurrentLookups = b.getMaxConcurrentLookups();
    this.lookupPermits = new Semaphore(maxConcurrentLookups);
    // No expireAfterWrite: each answer carries its own expiry stamp, checked against the one ticker
    // read the hit needs anyway, which costs far less than Caffeine's per-read expiry bookkeeping.
    Executor executor = b.getExecutor();
    this.answers = Caffeine.newBuilder().maximumSize(b.getMaximumSize()).executor(executor).build();
    this.answersQuietly = answers.policy();
    this.unknowns =
        Caffeine.newBuilder().maximumSize(b.getNegativeMaximumSize()).executor(executor).build();
    this.unknownsQuietly = unknowns.policy();
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new LongAdder();
    }
    this.refusedLookupLines = new LogThrottle(ticker, LOG_INTERVAL);
    this.failedLookupLines = new LogThrottle(ticker, LOG_INTERVAL);
    this.wrongRowLines = new LogThrottle(ticker, LOG_INTERVAL);
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
    // frame, which costs microseconds even without a stack trace.
    Object outcome = outcome(presented, scope, organization, environment);
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
      EnvironmentId environment) {
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
    Answer answer = read(answers, answersQuietly, id);
    if (answer != null) {
      long now = ticker.read();
      if (now - answer.expiresAt < 0 && lease.isTrustedAt(now)) {
        hits.increment();
        if (!answer.matches(presented)) {
          // The store's value for this id is known and differs: no other value can be valid.
          return refuse(RefusalCause.UNKNOWN);
        }
      } else {
        answer = null;
      }
    }
    if (answer == null) {
      long start = ticker.read();
      Unknown unknown = read(unknowns, unknownsQuietly, id);
      if (unknown != null && start - unknown.expiresAt < 0 && unknown.matches(presented)) {
        negativeHits.increment();
        return refuse(RefusalCause.UNKNOWN);
      }
      misses.increment();
      answer = load(presented, id, start);
    }
    ValidatedToken token = answer.token;
    if (token == null) { // Answer.NOT_FOUND
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
      return refuse(RefusalCause.INACTIVE);
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

  private ConnectionOpenException refuse(RefusalCause cause) {
    refusals[cause.ordinal()].increment();
    return new ConnectionOpenException(ErrorCode.INVALID_TOKEN);
  }

  private ConnectionOpenException failClosed() {
    failClosed.increment();
    return new ConnectionOpenException(ErrorCode.STORE_UNAVAILABLE);
  }

  // ---- the miss path
  // ------------------------------------------------------------------------------

  /**
   * The answer of the store for {@code presented}, joining a lookup of the same value in flight.
   */
  private Answer load(String presented, TokenId id, long start) {
    Lookup mine = new Lookup(presented);
    Lookup running = lookups.putIfAbsent(id, mine);
    if (running != null && running.matches(presented)) {
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
        if (registered) {
          lookups.remove(id, mine);
        }
        mine.result.completeExceptionally(e);
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

  /**
   * Looks up {@code lookup}'s value and completes it. A registered lookup leaves the registry
   * before its result is completed: a miss that comes once a caller has that result (with a lookup
   * executor, before this thread went on) must ask the store itself, not be handed an answer read
   * before it began (after the hard expiry or with an untrusted lease, one the store may no longer
   * give; or a failure the store has recovered from).
   */
  private void runLookup(Lookup lookup, TokenId id, boolean registered) {
    long generation = generations.current(id.bits());
    long start = ticker.read();
    try {
      if (!lookupPermits.tryAcquire(lookupTimeoutNanos, TimeUnit.NANOSECONDS)) {
        long heldBack = refusedLookupLines.admit();
        if (heldBack >= 0) {
          log.warn(
              "Token lookup refused: {} lookups already running (maxConcurrentLookups){}",
              lookupPermitsInUse(),
              LogThrottle.heldBackNote(heldBack));
        }
        deregister(lookup, id, registered);
        lookup.result.completeExceptionally(new TimeoutException("no lookup slot"));
        return;
      }
      Answer answer;
      try {
        answer = lookUp(lookup.presented, id, start);
      } finally {
        lookupPermits.release();
      }
      install(id, generation, answer, lookup.presented, start);
      deregister(lookup, id, registered);
      lookup.result.complete(answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deregister(lookup, id, registered);
      lookup.result.completeExceptionally(e);
    } catch (RuntimeException e) {
      // The store's messages never carry a value or digest (TokenStore contract); ours never do.
      long heldBack = failedLookupLines.admit();
      if (heldBack >= 0) {
        log.warn(
            "Token lookup failed, refusing with STORE_UNAVAILABLE: {}{}",
            e.toString(),
            LogThrottle.heldBackNote(heldBack));
      }
      deregister(lookup, id, registered);
      lookup.result.completeExceptionally(e);
    } finally {
      deregister(lookup, id, registered); // after an Error, too
    }
  }

  private void deregister(Lookup lookup, TokenId id, boolean registered) {
    if (registered) {
      lookups.remove(id, lookup);
    }
  }

  private Answer lookUp(String presented, TokenId id, long start) {
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
      long heldBack = wrongRowLines.admit();
      if (heldBack >= 0) {
        log.error(
            "Store returned token {} for a digest of token {}; treating it as unknown{}",
            row.id(),
            id,
            LogThrottle.heldBackNote(heldBack));
      }
      return Answer.NOT_FOUND;
    }
    AccessToken token = row.token();
    ValidatedToken validated =
        new ValidatedToken(
            id, intern(token.organization()), intern(token.environment()), token.scope());
    boolean entitled = entitlements.isEntitled(token.organization(), token.scope());
    return new Answer(presented, validated, token.isActive(), entitled, start + expireAfterNanos);
  }

  private @Nullable StoredToken findByDigest(LookupDigest digest) {
    storeLookups.increment();
    return store.findByDigest(digest).orElse(null);
  }

  private void install(TokenId id, long generation, Answer answer, String presented, long start) {
    if (answer == Answer.NOT_FOUND) {
      Unknown unknown = new Unknown(presented, start + negativeExpireAfterNanos);
      unknowns
          .asMap()
          .compute(id, (key, old) -> generations.current(id.bits()) == generation ? unknown : old);
      if (generations.current(id.bits()) != generation) {
        unknowns.asMap().remove(id, unknown); // as for answers below
      }
    } else {
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

  private int lookupPermitsInUse() {
    return Math.max(0, maxConcurrentLookups - lookupPermits.availablePermits());
  }

  // ---- invalidation and management
  // ----------------------------------------------------------------

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
        hits.sum(),
        misses.sum(),
        negativeHits.sum(),
        storeLookups.sum(),
        failClosed.sum(),
        byCause);
  }

  /** Answers cached now (valid or not), not counting unknown values. Approximate. */
  public long cachedAnswers() {
    return answers.estimatedSize();
  }

  /**
   * Detaches from the service, stops the change follower if there is one, and drops the cache.
   * Later calls to {@link #validate} throw {@link IllegalStateException}. The executors were the
   * host's and stay running. Idempotent.
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

  // ---- cache entries
  // ------------------------------------------------------------------------------

  /**
   * The secret digits of a value, packed into four words held in the entry itself: a hit compares
   * them without reading an array beside the entry (one memory access less on a large cache), in
   * constant time.
   */
  private abstract static class SecretWords {
    private final long secret0;
    private final long secret1;
    private final long secret2;
    private final long secret3;

    SecretWords(String wellFormed) {
      this(
          TokenFormat.secretWord(wellFormed, 0),
          TokenFormat.secretWord(wellFormed, 1),
          TokenFormat.secretWord(wellFormed, 2),
          TokenFormat.secretWord(wellFormed, 3));
    }

    SecretWords(long secret0, long secret1, long secret2, long secret3) {
      this.secret0 = secret0;
      this.secret1 = secret1;
      this.secret2 = secret2;
      this.secret3 = secret3;
    }

    /** Whether the well-formed {@code presented} has these secret digits; constant time. */
    final boolean matches(String presented) {
      return TokenFormat.secretEquals(presented, secret0, secret1, secret2, secret3);
    }
  }

  /** The store's answer for one token id, as of when it was read. */
  private static final class Answer extends SecretWords {
    static final Answer NOT_FOUND = new Answer();

    /** Null only in {@link #NOT_FOUND}. */
    final @Nullable ValidatedToken token;

    // The token's fields again (null only in NOT_FOUND), so that a hit reads nothing but this
    // entry.
    final @Nullable OrganizationId organization;
    final @Nullable EnvironmentId environment;
    final @Nullable Scope scope;
    final boolean active;
    final boolean entitled;
    final long expiresAt;

    Answer(
        String presented, ValidatedToken token, boolean active, boolean entitled, long expiresAt) {
      super(presented);
      this.token = token;
      this.organization = token.organization();
      this.environment = token.environment();
      this.scope = token.scope();
      this.active = active;
      this.entitled = entitled;
      this.expiresAt = expiresAt;
    }

    private Answer() {
      super(0, 0, 0, 0);
      this.token = null;
      this.organization = null;
      this.environment = null;
      this.scope = null;
      this.active = false;
      this.entitled = false;
      this.expiresAt = 0;
    }
  }

  /** A value the store did not know, as of when it was read. */
  private static final class Unknown extends SecretWords {
    final long expiresAt;

    Unknown(String presented, long expiresAt) {
      super(presented);
      this.expiresAt = expiresAt;
    }
  }

  /** A store lookup in flight, which concurrent misses for the same value wait for. */
  private static final class Lookup extends SecretWords {
    final String presented;
    final CompletableFuture<Answer> result = new CompletableFuture<>();

    Lookup(String presented) {
      super(presented);
      this.presented = presented;
    }
  }

  // ---- configuration
  // ------------------------------------------------------------------------------

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
      this.expireAfter =
          checkDuration(duration, "expire after", Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /** Most unknown values remembered; default 10,000. */
    public Builder negativeMaximumSize(long size) {
      Checks.state(
          negativeMaximumSize < 0, "negative maximum size already set to " + negativeMaximumSize);
      Checks.argument(size > 0, "negative maximum size must be positive, but was " + size);
      this.negativeMaximumSize = size;
      return this;
    }

    /**
     * How long an unknown value is refused without asking the store again; default 10 seconds.
     * Between 1 millisecond and 1 hour.
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
     * default 2 seconds. Between 1 millisecond and 1 minute.
     */
    public Builder lookupTimeout(Duration duration) {
      Checks.state(lookupTimeout == null, "lookup timeout already set to " + lookupTimeout);
      this.lookupTimeout =
          checkDuration(duration, "lookup timeout", Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /** Most store lookups running at once; default 16. Between 1 and 10,000. */
    public Builder maxConcurrentLookups(int max) {
      Checks.state(
          maxConcurrentLookups < 0,
          "max concurrent lookups already set to " + maxConcurrentLookups);
      Checks.argument(
          max >= 1 && max <= 10_000,
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
     * Follows other nodes' changes through {@code follower}, which also becomes the freshness
     * lease; the validator starts it and {@link TokenValidator#close()} stops it. For nodes sharing
     * a store.
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

    /**
     * Builds the validator. Reads the settings and never writes to this builder, which can build
     * again.
     */
    public TokenValidator build() {
      return new TokenValidator(this);
    }

    // Each setting with its default resolved, never written back (so a later setter still works).

    long getMaximumSize() {
      return maximumSize < 0 ? 100_000 : maximumSize;
    }

    Duration getExpireAfter() {
      return expireAfter == null ? Duration.ofSeconds(60) : expireAfter;
    }

    long getNegativeMaximumSize() {
      return negativeMaximumSize < 0 ? 10_000 : negativeMaximumSize;
    }

    Duration getNegativeExpireAfter() {
      return negativeExpireAfter == null ? Duration.ofSeconds(10) : negativeExpireAfter;
    }

    Duration getLookupTimeout() {
      return lookupTimeout == null ? Duration.ofSeconds(2) : lookupTimeout;
    }

    int getMaxConcurrentLookups() {
      return maxConcurrentLookups < 0 ? 16 : maxConcurrentLookups;
    }

    Ticker getTicker() {
      return ticker == null ? Ticker.systemTicker() : ticker;
    }

    FreshnessLease getFreshnessLease() {
      return follower != null ? follower : lease != null ? lease : FreshnessLease.always();
    }

    Executor getExecutor() {
      return executor == null ? ForkJoinPool.commonPool() : executor;
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
