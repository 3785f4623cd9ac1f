package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.GLOBEX;
import static io.accesstokens.testing.Fixtures.GLOBEX_PROD;
import static io.accesstokens.testing.Fixtures.INITECH;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.TEST;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.Expiry;
import io.accesstokens.FreshnessLease;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.RefusalCause;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import io.accesstokens.ValidatorStats;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.ValidatorConfiguration.Lease;
import io.accesstokens.testing.ValidatorConfiguration.Lookups;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cached validator on a real store, wrapped to count calls and inject faults. Time is a {@link
 * FakeTicker}: nothing here sleeps. Each test runs in every {@linkplain ValidatorConfiguration
 * configuration} its {@link ValidatorTest} allows: lookups on the calling thread and on a lookup
 * executor, with the always-trusted lease and with a caught-up follower's.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractTokenValidatorTest {
  protected static final String INVALID =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN";
  protected static final String UNAVAILABLE =
      "Error opening connection. Exception is: Error code: STORE_UNAVAILABLE";
  private static final Duration EXPIRY = Duration.ofSeconds(60);
  private static final Duration NEGATIVE_EXPIRY = Duration.ofSeconds(10);

  /**
   * Long enough that a busy machine's scheduling never times a lookup out (a lookup executor's
   * thread, a caller joining a lookup in flight); the tests of the timeout set their own.
   */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

  /** A new, empty store. Called before each test. */
  protected abstract TokenStore createStore();

  protected final FakeTicker ticker = new FakeTicker();
  protected final Fixtures.SwitchableEntitlements entitlements =
      new Fixtures.SwitchableEntitlements();
  protected FaultyTokenStore store;
  protected TokenService service;
  protected TokenValidator validator;
  protected ValidatorConfiguration configuration;
  private final Map<TokenValidator, ChangeFollower> followers = new IdentityHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUpValidator(ValidatorConfiguration configuration) {
    this.configuration = configuration;
    store = new FaultyTokenStore(createStore());
    service = Fixtures.serviceOn(store, entitlements).build();
    validator = newValidator(settings -> settings);
  }

  @AfterEach
  void closeAll() throws Exception {
    validator.close();
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  /**
   * A validator of {@link #service} with this suite's settings (a fake ticker, a 60 s expiry, 10 s
   * for unknown values, a 30 s lookup timeout, cache maintenance on the calling thread), then
   * {@code settings}, in this run's {@linkplain ValidatorConfiguration configuration}.
   */
  protected TokenValidator newValidator(UnaryOperator<TokenValidator.Builder> settings) {
    return newValidator(service, LOOKUP_TIMEOUT, settings);
  }

  /** Closes this suite's validator and puts {@link #newValidator(UnaryOperator)} in its place. */
  private void replaceValidator(UnaryOperator<TokenValidator.Builder> settings) {
    replaceValidator(service, LOOKUP_TIMEOUT, settings);
  }

  /**
   * Closes this suite's validator and puts {@link #newValidator(TokenService, Duration,
   * UnaryOperator)} in its place.
   */
  private void replaceValidator(
      TokenService of, Duration lookupTimeout, UnaryOperator<TokenValidator.Builder> settings) {
    validator.close();
    validator = newValidator(of, lookupTimeout, settings);
  }

  /**
   * {@link #newValidator(UnaryOperator)} of service {@code of} with lookup timeout {@code
   * lookupTimeout}. With a follower's lease, the follower is warmed up (time moves on by its
   * longest transaction and it catches up), as it is on a node that has run for a while, and {@link
   * #advance} keeps it caught up.
   */
  protected TokenValidator newValidator(
      TokenService of, Duration lookupTimeout, UnaryOperator<TokenValidator.Builder> settings) {
    TokenValidator.Builder builder =
        settings.apply(
            TokenValidator.builder(of)
                .ticker(ticker)
                .expireAfter(EXPIRY)
                .negativeExpireAfter(NEGATIVE_EXPIRY)
                .lookupTimeout(lookupTimeout)
                .executor(Runnable::run));
    if (configuration.lookups() == Lookups.INLINE) {
      builder.lookupExecutor(Runnable::run);
    }
    ChangeFollower follower = null;
    if (configuration.lease() == Lease.FOLLOWER) {
      follower =
          ChangeFollower.builder(new ScriptedChangeFeed())
              .stalenessBound(AbstractChangeFollowerTest.BOUND)
              .longestTransaction(AbstractChangeFollowerTest.LONGEST_TRANSACTION)
              .ticker(ticker)
              .drivenByCaller()
              .build();
      builder.changeFollower(follower);
    }
    TokenValidator built = builder.build();
    if (follower != null) {
      followers.put(built, follower);
      ticker.advance(AbstractChangeFollowerTest.LONGEST_TRANSACTION);
      assertThat(follower.catchUp()).as("the follower's warm-up").isTrue();
    }
    return built;
  }

  /**
   * Moves time on by {@code duration}; a follower's lease is renewed then, as one that keeps up.
   */
  protected void advance(Duration duration) {
    ticker.advance(duration);
    ChangeFollower follower = followers.get(validator);
    if (follower != null) {
      assertThat(follower.catchUp()).as("a catch-up").isTrue();
    }
  }

  private ValidatedToken validate(String value) {
    return validator.validate(value, Scope.EDI, ACME, PROD);
  }

  private static ConnectionOpenException refusal(Runnable call) {
    ConnectionOpenException e = catchThrowableOfType(ConnectionOpenException.class, call::run);
    assertThat(e).as("refused").isNotNull();
    return e;
  }

  private void assertRefused(
      String value, OrganizationId org, io.accesstokens.EnvironmentId env, RefusalCause cause) {
    long before = validator.stats().refusals(cause);
    ConnectionOpenException e = refusal(() -> validator.validate(value, Scope.EDI, org, env));
    assertThat(e).hasMessage(INVALID);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(validator.stats().refusals(cause))
        .as("refusals for %s", cause)
        .isEqualTo(before + 1);
  }

  // ---- expiry (issue 14)
  // -----------------------------------------------------------------------------

  /** The service's clock in the expiry tests; moved with the ticker by {@link #advanceBoth}. */
  private final MutableClock clock = MutableClock.startingAt("2026-12-01T08:00:00Z");

  /**
   * A service on {@link #store} whose clock is {@link #clock}, and this suite's validator of it.
   */
  private TokenService useClockedService() {
    TokenService clocked = Fixtures.serviceOn(store, entitlements).clock(clock).build();
    replaceValidator(clocked, LOOKUP_TIMEOUT, settings -> settings);
    return clocked;
  }

  private void advanceBoth(Duration duration) {
    clock.advance(duration);
    advance(duration);
  }

  @ValidatorTest
  void validate_ofATokenPastItsExpiry_isRefusedAsExpired_withTheSeedsMessage() {
    TokenService clocked = useClockedService();
    IssuedToken issued =
        create(clocked, ACME, PROD, null, Expiry.after(Duration.ofMinutes(30)), ALICE);
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());

    advanceBoth(Duration.ofMinutes(30));

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
    assertThat(validator.stats().refusals(RefusalCause.INACTIVE)).isZero();
  }

  /**
   * The token's expiry is folded into the answer's stamp: hits before it read no store (and no
   * clock: the stamp was fixed when the store was read), and the first validation after it asks the
   * store again and refuses.
   */
  @ValidatorTest
  void
      validate_ofATokenExpiringBeforeTheHardExpiry_hitsUntilItsExpiry_thenAsksTheStoreAndRefuses() {
    TokenService clocked = useClockedService();
    IssuedToken issued =
        create(clocked, ACME, PROD, null, Expiry.after(Duration.ofSeconds(10)), ALICE);
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).isEqualTo(1);

    advanceBoth(Duration.ofSeconds(9));
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());
    assertThat(store.findByDigestCalls()).as("a hit before the expiry").isEqualTo(1);

    advanceBoth(Duration.ofSeconds(1));
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
    assertThat(store.findByDigestCalls()).as("the stamp ran out at the expiry").isEqualTo(2);
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
    assertThat(store.findByDigestCalls()).as("the expired answer is cached").isEqualTo(2);
  }

  @ValidatorTest
  void validate_ofATokenExpiringAfterTheHardExpiry_keepsTheHardExpiry_andStaysValidUntilItsOwn() {
    TokenService clocked = useClockedService();
    IssuedToken issued =
        create(clocked, ACME, PROD, null, Expiry.after(Duration.ofHours(2)), ALICE);
    validate(issued.value().reveal());

    advanceBoth(Duration.ofSeconds(61));
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());
    assertThat(store.findByDigestCalls()).as("asked again after the hard expiry").isEqualTo(2);

    advanceBoth(Duration.ofHours(2));
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
  }

  @ValidatorTest
  void validate_ofATokenThatNeverExpires_staysValidAsTimePasses() {
    TokenService clocked = useClockedService();
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);

    advanceBoth(Duration.ofDays(3650));

    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());
    assertThat(issued.token().expiresAt()).isNull();
  }

  @ValidatorTest
  void validate_ofAnExpiredTokenThatIsAlsoInactive_countsItAsExpired() {
    TokenService clocked = useClockedService();
    IssuedToken issued =
        create(clocked, ACME, PROD, null, Expiry.after(Duration.ofMinutes(1)), ALICE);
    clocked.deactivate(ACME, issued.token().id(), ALICE);
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);

    advanceBoth(Duration.ofMinutes(2));

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
  }

  private IssuedToken acmeToken() {
    return create(service, ACME, PROD, null, ALICE);
  }

  // ---- accepted
  // ------------------------------------------------------------------------------------

  @ValidatorTest
  void aValidToken_validates_andIsThenAnsweredFromTheCacheWithTheSameInstance() {
    IssuedToken issued = acmeToken();

    ValidatedToken first = validate(issued.value().reveal());
    ValidatedToken second = validate(new String(issued.value().reveal().toCharArray()));

    assertThat(first).isEqualTo(new ValidatedToken(issued.id(), ACME, PROD, Scope.EDI));
    assertThat(second).isSameAs(first);
    ValidatorStats stats = validator.stats();
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.hits()).isEqualTo(1);
    assertThat(stats.storeLookups()).isEqualTo(1);
    assertThat(store.findByDigestCalls()).isEqualTo(1);
  }

  // ---- refused, all alike
  // --------------------------------------------------------------------------

  @ValidatorTest
  void malformedValues_areRefused_withoutAStoreCall_andAreNeverCached() {
    String good = acmeToken().value().reveal();
    char last = good.charAt(good.length() - 1);
    List<String> malformed =
        List.of(
            "",
            " ",
            "atk_",
            "xyz_" + good.substring(4), // wrong prefix
            good.substring(0, good.length() - 1) + (last == 'a' ? 'b' : 'a'), // bad checksum
            good.substring(0, good.length() - 1), // truncated
            good + "A", // too long
            good.substring(0, 20) + "\u00e9" + good.substring(21), // non-ASCII
            good.substring(0, 20) + "-" + good.substring(21), // not base62
            good.toUpperCase(), // mangled case
            " " + good.substring(1),
            "a".repeat(1 << 20)); // 1 MB
    int callsBefore = store.calls();

    for (String value : malformed) {
      assertRefused(value, ACME, PROD, RefusalCause.MALFORMED);
    }
    assertRefused(null, ACME, PROD, RefusalCause.MALFORMED);

    assertThat(store.calls()).isEqualTo(callsBefore);
    assertThat(validator.cachedAnswers()).isZero();
  }

  @ValidatorTest
  void aWellFormedUnknownToken_isRefused_andRememberedBrieflyWithoutAnotherLookup() {
    String unknown = TokenFormatAccess.wellFormedUnknown();

    assertRefused(unknown, ACME, PROD, RefusalCause.UNKNOWN);
    assertRefused(unknown, ACME, PROD, RefusalCause.UNKNOWN);
    assertRefused(new String(unknown.toCharArray()), ACME, PROD, RefusalCause.UNKNOWN);
    assertThat(store.findByDigestCalls()).isEqualTo(1);
    assertThat(validator.stats().negativeHits()).isEqualTo(2);

    advance(NEGATIVE_EXPIRY);
    assertRefused(unknown, ACME, PROD, RefusalCause.UNKNOWN);
    assertThat(store.findByDigestCalls())
        .as("one more lookup per negative-cache lifetime")
        .isEqualTo(2);
  }

  @ValidatorTest
  void distinctGuesses_eachReachTheStore() {
    for (int i = 0; i < 5; i++) {
      assertRefused(TokenFormatAccess.wellFormedUnknown(), ACME, PROD, RefusalCause.UNKNOWN);
    }
    assertThat(store.findByDigestCalls()).isEqualTo(5);
  }

  /** The lookup-latency figures: each lookup counted once, timed by the ticker around the store. */
  @ValidatorTest(lookups = Lookups.INLINE)
  void eachLookup_isCountedAndTimed_byTheTicker() {
    store.afterFindByDigest(found -> ticker.advance(Duration.ofMillis(3)));
    validate(acmeToken().value().reveal());
    assertRefused(TokenFormatAccess.wellFormedUnknown(), ACME, PROD, RefusalCause.UNKNOWN);

    assertThat(validator.stats().timedLookups()).isEqualTo(2);
    assertThat(validator.stats().lookupNanos()).isEqualTo(Duration.ofMillis(6).toNanos());
  }

  @ValidatorTest
  void aGuessThatReusesAKnownTokensId_isRefusedFromTheCache() {
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    String forged = TokenFormatAccess.withSameIdOtherSecret(issued.value().reveal());

    assertRefused(forged, ACME, PROD, RefusalCause.UNKNOWN);
    assertThat(store.findByDigestCalls()).isEqualTo(1);
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.id());
  }

  @ValidatorTest
  void anInactiveToken_isRefused() {
    IssuedToken issued = acmeToken();
    service.deactivate(ACME, issued.id(), ALICE);

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
    assertThat(store.findByDigestCalls()).as("the inactive answer is cached too").isEqualTo(1);
  }

  @ValidatorTest
  void aDeletedToken_isRefused() {
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    service.delete(ACME, issued.id(), ALICE);

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.UNKNOWN);
  }

  @ValidatorTest
  void anotherOrganizationsToken_isRefused() {
    IssuedToken globex = create(service, GLOBEX, GLOBEX_PROD, null, ALICE);

    assertRefused(globex.value().reveal(), ACME, PROD, RefusalCause.WRONG_ORGANIZATION);
    assertRefused(globex.value().reveal(), ACME, GLOBEX_PROD, RefusalCause.WRONG_ORGANIZATION);
    assertThat(validator.validate(globex.value().reveal(), Scope.EDI, GLOBEX, GLOBEX_PROD).id())
        .isEqualTo(globex.id());
  }

  @ValidatorTest
  void anotherEnvironmentsToken_isRefused() {
    IssuedToken test = create(service, ACME, TEST, null, ALICE);

    assertRefused(test.value().reveal(), ACME, PROD, RefusalCause.WRONG_ENVIRONMENT);
  }

  @ValidatorTest
  void aTokenOfAnOrganizationWithoutEdi_isRefused() {
    entitlements.set(INITECH, true);
    IssuedToken issued = create(service, INITECH, PROD, null, ALICE);
    entitlements.set(INITECH, false);

    assertRefused(issued.value().reveal(), INITECH, PROD, RefusalCause.NOT_ENTITLED);
  }

  /**
   * Only one scope exists today, so a wrong-scope token cannot be made; the check is in place for
   * the second scope, and every scope the enum has is accepted for its own tokens.
   */
  @ValidatorTest
  void everyScope_validatesItsOwnTokens() {
    IssuedToken issued = acmeToken();
    for (Scope scope : Scope.values()) {
      assertThat(validator.validate(issued.value().reveal(), scope, ACME, PROD).scope())
          .isEqualTo(scope);
    }
  }

  @ValidatorTest
  void refusals_carryNoStackTrace() {
    ConnectionOpenException e = refusal(() -> validate("nonsense"));

    assertThat(e.getStackTrace()).isEmpty();
  }

  @ValidatorTest
  void missingArguments_areCallerMistakes_notRefusals() {
    String value = acmeToken().value().reveal();
    assertThatThrownBy(() -> validator.validate(value, null, ACME, PROD))
        .hasMessage("scope must not be null");
    assertThatThrownBy(() -> validator.validate(value, Scope.EDI, null, PROD))
        .hasMessage("organization must not be null");
    assertThatThrownBy(() -> validator.validate(value, Scope.EDI, ACME, null))
        .hasMessage("environment must not be null");
  }

  // ---- expiry and freshness
  // ------------------------------------------------------------------------

  @ValidatorTest
  void theHardExpiry_capsACachedAnswer_evenWhenNoInvalidationArrives() {
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    // Another node deactivates it: the change reaches the store but not this validator.
    TokenService otherNode = Fixtures.serviceOn(store, entitlements).build();
    otherNode.deactivate(ACME, issued.id(), ALICE);

    advance(EXPIRY.minusNanos(1));
    assertThat(validate(issued.value().reveal()).id()).as("still trusted").isEqualTo(issued.id());
    advance(Duration.ofNanos(1));
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
  }

  /** Sets a lease of its own, in place of the builder's default. */
  @ValidatorTest(lease = Lease.ALWAYS_TRUSTED)
  void anUntrustedLease_sendsEveryValidationToTheStore_andATrustedOneUsesTheCache() {
    AtomicBoolean trusted = new AtomicBoolean(true);
    replaceValidator(settings -> settings.freshnessLease(now -> trusted.get()));
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).isEqualTo(1);

    trusted.set(false);
    validate(issued.value().reveal());
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).isEqualTo(3);

    trusted.set(true);
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).isEqualTo(3);
  }

  /** Sets a lease of its own, in place of the builder's default. */
  @ValidatorTest(lease = Lease.ALWAYS_TRUSTED)
  void theLease_isAskedWithTheTickersReading() {
    List<Long> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    replaceValidator(settings -> settings.freshnessLease(now -> asked.add(now)));
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    advance(Duration.ofSeconds(3));
    validate(issued.value().reveal());

    assertThat(asked).containsExactly(ticker.read());
  }

  // ---- invalidation
  // --------------------------------------------------------------------------------

  @ValidatorTest
  void invalidate_byId_forgetsThatTokenOnly() {
    IssuedToken a = acmeToken();
    IssuedToken b = acmeToken();
    validate(a.value().reveal());
    validate(b.value().reveal());

    validator.invalidate(a.id());
    validate(a.value().reveal());
    validate(b.value().reveal());

    assertThat(store.findByDigestCalls()).isEqualTo(3);
  }

  @ValidatorTest
  void invalidateAll_forgetsEverything() {
    IssuedToken a = acmeToken();
    validate(a.value().reveal());
    String unknown = TokenFormatAccess.wellFormedUnknown();
    refusal(() -> validate(unknown));

    validator.invalidateAll();
    validate(a.value().reveal());
    refusal(() -> validate(unknown));

    assertThat(store.findByDigestCalls()).isEqualTo(4);
  }

  @ValidatorTest
  void aLookupInFlightDuringInvalidateAll_cannotPutItsAnswerBack() {
    IssuedToken issued = acmeToken();
    // The store has answered; before that answer is installed, everything is invalidated (as when a
    // follower lost its place). No change of this token names it, so only invalidateAll's bump of
    // every generation can keep the answer out.
    onceTheStoreHasAnswered(validator::invalidateAll);

    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.id());
    store.afterFindByDigest(null);
    validate(issued.value().reveal());

    assertThat(store.findByDigestCalls()).as("the answer read before was not cached").isEqualTo(2);
  }

  /** Runs {@code change} once, after the store answers the next lookup and before it is cached. */
  private void onceTheStoreHasAnswered(Runnable change) {
    AtomicBoolean once = new AtomicBoolean(true);
    store.afterFindByDigest(
        found -> {
          if (once.getAndSet(false)) {
            change.run();
          }
        });
  }

  /**
   * Validates {@code issued} while {@code change} is made between the store's answer and its
   * caching. This call overlapped the change, so either answer is right for it.
   */
  private void validateAcross(IssuedToken issued, Runnable change) {
    onceTheStoreHasAnswered(change);
    try {
      validate(issued.value().reveal());
    } catch (ConnectionOpenException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }
    store.afterFindByDigest(null);
  }

  @ValidatorTest
  void aMissAfterInvalidate_startsItsOwnLookup_ratherThanJoiningOneStartedBefore()
      throws Exception {
    IssuedToken issued = acmeToken();
    missAfter(() -> validator.invalidate(issued.id()), issued);
  }

  @ValidatorTest
  void aMissAfterInvalidateAll_startsItsOwnLookup_ratherThanJoiningOneStartedBefore()
      throws Exception {
    IssuedToken issued = acmeToken();
    missAfter(validator::invalidateAll, issued);
  }

  /**
   * A lookup of {@code issued} is held inside the store; then {@code invalidation} runs and the
   * same value is validated again. That miss must ask the store itself (the held lookup read the
   * store before the invalidation) and answer at once, not wait for the held one.
   */
  private void missAfter(Runnable invalidation, IssuedToken issued) throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    store.afterFindByDigest(
        found -> {
          if (first.getAndSet(false)) {
            inside.countDown();
            await(release);
          }
        });
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      Future<ValidatedToken> held = pool.submit(() -> validate(issued.value().reveal()));
      assertThat(inside.await(30, TimeUnit.SECONDS))
          .as("the first lookup is in the store")
          .isTrue();

      invalidation.run();
      // Joining the held lookup would wait for the release below, which comes only afterwards:
      // the lookup timeout (30 s) would then fail this call closed.
      ValidatedToken after = validate(issued.value().reveal());

      assertThat(after.id()).isEqualTo(issued.id());
      assertThat(store.findByDigestCalls()).as("a lookup of its own").isEqualTo(2);
      release.countDown();
      assertThat(held.get(30, TimeUnit.SECONDS).id()).isEqualTo(issued.id());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @ValidatorTest
  void aLookupInFlightDuringADeactivation_cannotPutTheOldAnswerBack() {
    IssuedToken issued = acmeToken();
    // The store answers "active"; before that answer is installed, the token is deactivated.
    validateAcross(issued, () -> service.deactivate(ACME, issued.id(), ALICE));

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
    assertThat(store.findByDigestCalls()).as("the stale answer was not cached").isEqualTo(2);
  }

  @ValidatorTest
  void aLookupInFlightDuringADelete_cannotPutTheOldAnswerBack() {
    IssuedToken issued = acmeToken();
    validateAcross(issued, () -> service.delete(ACME, issued.id(), ALICE));

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.UNKNOWN);
  }

  @ValidatorTest
  void close_detachesFromTheService_andRefusesFurtherUse() {
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());

    validator.close();
    validator.close();

    assertThatThrownBy(() -> validate(issued.value().reveal()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("validator is closed");
    // Changes after close reach no closed validator (no listener is left behind).
    service.deactivate(ACME, issued.id(), ALICE);
    validator = newValidator(settings -> settings);
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
  }

  @ValidatorTest
  void close_dropsTheCachedAnswers() {
    validate(acmeToken().value().reveal());
    validate(acmeToken().value().reveal());
    assertThat(validator.cachedAnswers()).isEqualTo(2);

    validator.close();

    assertThat(validator.cachedAnswers()).isZero();
  }

  // ---- fail closed
  // ---------------------------------------------------------------------------------

  @ValidatorTest
  void aStoreFailureOnAMiss_failsClosedWithItsOwnCode_andIsNotCached() {
    IssuedToken issued = acmeToken();
    store.down(true);

    ConnectionOpenException e = refusal(() -> validate(issued.value().reveal()));
    assertThat(e).hasMessage(UNAVAILABLE);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(validator.stats().failClosed()).isEqualTo(1);
    assertThat(validator.stats().totalRefusals()).isZero();

    store.down(false);
    assertThat(validate(issued.value().reveal()).id())
        .as("recovers by itself")
        .isEqualTo(issued.id());
  }

  @ValidatorTest
  void cachedAnswers_stillServe_whileTheStoreIsDown() {
    IssuedToken issued = acmeToken();
    validate(issued.value().reveal());
    store.down(true);

    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.id());
  }

  @ValidatorTest
  void aHostEntitlementFailure_failsClosed() {
    IssuedToken issued = acmeToken();
    TokenService throwing =
        TokenService.builder(store)
            .entitlements(
                (org, scope) -> {
                  throw new IllegalStateException("directory down");
                })
            .environments(Fixtures.environments())
            .copyPolicy(CopyPolicy.ephemeral())
            .build();
    try (TokenValidator v = newValidator(throwing, LOOKUP_TIMEOUT, settings -> settings)) {
      ConnectionOpenException e =
          refusal(() -> v.validate(issued.value().reveal(), Scope.EDI, ACME, PROD));
      assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    }
  }

  @ValidatorTest(lookups = Lookups.EXECUTOR)
  void aHungStore_withTheDefaultLookupPool_failsClosedWithinTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    replaceValidator(service, Duration.ofMillis(200), settings -> settings);
    IssuedToken issued = acmeToken();
    store.afterFindByDigest(found -> await(release));

    long start = System.nanoTime();
    ConnectionOpenException e = refusal(() -> validate(issued.value().reveal()));
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(waitedMillis).isLessThan(10_000);
    release.countDown();
  }

  /**
   * The lookup timeout counts from the miss, not from the ticker's origin: on a node whose ticker
   * reads hours, a miss still takes a slot and waits for a slow store's answer (here released as
   * soon as the lookup is inside the store), and a second caller joins it.
   */
  @ValidatorTest
  void aMissHoursIntoTheTickersTime_stillWaitsForItsLookup() throws Exception {
    advance(Duration.ofHours(1));
    IssuedToken issued = acmeToken();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = holdLookupsInTheStore(1, release);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      Future<ValidatedToken> first = callers.submit(() -> validate(issued.value().reveal()));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      Future<ValidatedToken> joining = callers.submit(() -> validate(issued.value().reveal()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (validator.stats().misses() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS).id()).isEqualTo(issued.id());
      assertThat(joining.get(30, TimeUnit.SECONDS).id()).isEqualTo(issued.id());
      assertThat(store.findByDigestCalls()).as("one lookup for both").isEqualTo(1);
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  /**
   * A lookup that waited for a thread until its caller's time was up (here the host's executor
   * takes exactly the lookup timeout to start it) never reaches the store: the miss fails closed,
   * and the refusal line counts the lookups running, none (the store was idle all along).
   */
  @ValidatorTest(lookups = Lookups.EXECUTOR)
  void aLookupThatQueuedForTheWholeTimeout_failsClosedWithoutAskingTheStore() {
    IssuedToken issued = acmeToken();
    replaceValidator(
        settings ->
            settings.lookupExecutor(
                task -> {
                  ticker.advance(LOOKUP_TIMEOUT);
                  task.run();
                }));
    int calls = store.findByDigestCalls();
    int mark = CapturingAppender.mark();

    ConnectionOpenException e = refusal(() -> validate(issued.value().reveal()));

    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(store.findByDigestCalls()).as("the store was not asked").isEqualTo(calls);
    assertThat(validatorLines(mark, "Token lookup refused"))
        .containsExactly(
            "WARN io.accesstokens.TokenValidator: Token lookup refused: 0 lookups already running"
                + " (maxConcurrentLookups)");
    assertThat(validator.stats().failClosed()).isEqualTo(1);
  }

  /**
   * A caller whose time ran out while its lookup was still queued (the host's executor has not
   * started it, and the ticker is past the timeout) gives up at once rather than waiting the lookup
   * timeout again; the lookup, when it finally runs, does not reach the store either.
   */
  @ValidatorTest(lookups = Lookups.EXECUTOR)
  void aCallerWhoseTimeRanOutWhileItsLookupQueued_givesUpAtOnce() {
    IssuedToken issued = acmeToken();
    List<Runnable> queued = new ArrayList<>();
    replaceValidator(
        settings ->
            settings.lookupExecutor(
                task -> {
                  queued.add(task);
                  ticker.advance(LOOKUP_TIMEOUT.plusSeconds(1));
                }));
    int calls = store.findByDigestCalls();

    long began = System.nanoTime();
    ConnectionOpenException e = refusal(() -> validate(issued.value().reveal()));
    long waited = System.nanoTime() - began;

    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    // Not a speed figure: a caller that waited again would block for the whole lookup timeout.
    assertThat(Duration.ofNanos(waited)).isLessThan(LOOKUP_TIMEOUT);
    assertThat(queued).hasSize(1);
    queued.get(0).run();
    assertThat(store.findByDigestCalls()).as("the late lookup was not run").isEqualTo(calls);
  }

  @ValidatorTest
  void lookupsBeyondTheCap_failClosed_whileTheStoreIsSlow() throws Exception {
    replaceValidator(service, Duration.ofMillis(100), settings -> settings.maxConcurrentLookups(2));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoInside = holdLookupsInTheStore(2, release);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String guess = TokenFormatAccess.wellFormedUnknown();
        slow.add(callers.submit(() -> refusal(() -> validate(guess))));
      }
      assertThat(twoInside.await(30, TimeUnit.SECONDS)).isTrue();

      ConnectionOpenException third =
          refusal(() -> validate(TokenFormatAccess.wellFormedUnknown()));
      assertThat(third.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(store.findByDigestCalls()).isEqualTo(2);

      release.countDown();
      for (Future<?> f : slow) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  /**
   * Issue 13: values presented with a known token's id and other secrets (guesses at an id the page
   * shows) stay store-bound, since only the store knows the digest, but they take the contested
   * lane: at most a quarter of the lookup slots (2 of 8 here). While the store is slow and the lane
   * is full, another guess fails closed at once without reaching the store, another token's miss
   * still gets a slot, and the guessed-at token's own value, which cannot be told from a guess
   * before the store answers, waits for the lane like one.
   */
  @ValidatorTest
  void guessesAtAKnownId_holdAtMostTheContestedLane_andNeverStarveOtherTokens() throws Exception {
    replaceValidator(service, LOOKUP_TIMEOUT, settings -> settings.maxConcurrentLookups(8));
    IssuedToken guessedAt = acmeToken();
    IssuedToken alsoGuessedAt = acmeToken();
    IssuedToken other = acmeToken();
    String real = guessedAt.value().reveal();
    assertRefused(TokenFormatAccess.withSameIdOtherSecret(real), ACME, PROD, RefusalCause.UNKNOWN);
    assertRefused(
        TokenFormatAccess.withSameIdOtherSecret(alsoGuessedAt.value().reveal()),
        ACME,
        PROD,
        RefusalCause.UNKNOWN);
    assertThat(store.findByDigestCalls())
        .as("the first guesses, in the ordinary lane")
        .isEqualTo(2);

    CountDownLatch twoInside = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    store.afterFindByDigest(
        found -> {
          if (found.isEmpty()) { // only guesses are slow
            twoInside.countDown();
            await(release);
          }
        });
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      List<Future<ConnectionOpenException>> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String guess = TokenFormatAccess.withSameIdOtherSecret(real);
        slow.add(callers.submit(() -> refusal(() -> validate(guess))));
      }
      assertThat(twoInside.await(30, TimeUnit.SECONDS)).isTrue();

      int mark = CapturingAppender.mark();
      ConnectionOpenException third =
          refusal(() -> validate(TokenFormatAccess.withSameIdOtherSecret(real)));
      assertThat(third.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(store.findByDigestCalls())
          .as("the third guess never reached the store")
          .isEqualTo(4);
      assertThat(validate(other.value().reveal()).id())
          .as("another token's miss, in the ordinary lane")
          .isEqualTo(other.id());
      assertThat(refusal(() -> validate(real)).errorCode())
          .as("the guessed-at token's own value, in the full lane")
          .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(refusal(() -> validate(alsoGuessedAt.value().reveal())).errorCode())
          .as("another guessed-at token's own value, alone in flight for its id, in the full lane")
          .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(validator.stats().contestedRefusals()).isEqualTo(3);
      assertThat(validatorLines(mark, "Token lookup refused"))
          .as("one line per 10 s, naming the token guessed at first")
          .containsExactly(
              "WARN io.accesstokens.TokenValidator: Token lookup refused: token "
                  + guessedAt.id()
                  + " is being presented with other values and the 2 contested lookup slots"
                  + " are taken");

      release.countDown();
      for (Future<ConnectionOpenException> f : slow) {
        assertThat(f.get(30, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
      }
      assertThat(validate(real).id())
          .as("the lane's slots are given back with the answers")
          .isEqualTo(guessedAt.id());
      assertThat(validate(alsoGuessedAt.value().reveal()).id())
          .as("a refused miss leaves nothing in flight for a later one to wait for")
          .isEqualTo(alsoGuessedAt.id());
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  /**
   * Issue 13: a cache smaller than the tokens in use is said, not silently lost. Size evictions are
   * counted; once they are 100 or more and over a tenth of the answers loaded, one WARN line (at
   * most one per 10 minutes) names the setting to raise. A cache that holds the tokens evicts
   * nothing and says nothing.
   */
  @ValidatorTest(lookups = Lookups.INLINE, lease = Lease.ALWAYS_TRUSTED)
  void aCacheTooSmallForTheTokensInUse_countsSizeEvictions_andWarnsOnce() {
    List<IssuedToken> tokens = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      tokens.add(acmeToken());
    }
    int mark = CapturingAppender.mark();
    for (IssuedToken token : tokens) {
      validate(token.value().reveal());
    }
    assertThat(validator.stats().sizeEvictions()).as("the default size holds them").isZero();
    assertThat(validator.stats().loads()).isEqualTo(120);

    replaceValidator(settings -> settings.maximumSize(10));
    for (int round = 0; round < 2; round++) {
      for (IssuedToken token : tokens) {
        assertThat(validate(token.value().reveal()).id()).isEqualTo(token.id());
      }
    }

    ValidatorStats stats = validator.stats();
    assertThat(stats.loads()).as("nearly every validation loaded").isGreaterThanOrEqualTo(200);
    assertThat(stats.sizeEvictions())
        .as("every load past the first 10 pushed one out")
        .isBetween(stats.loads() - 10 - 5, stats.loads() - 10);
    List<String> lines = validatorLines(mark, "The validator's cache is too small");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith(
            "WARN io.accesstokens.TokenValidator: The validator's cache is too small for the"
                + " tokens in use: ")
        .contains("(maximumSize 10); set maximumSize to the number of tokens validated within")
        .doesNotContain("more like this");
  }

  /**
   * The lines of this test's validator that start with {@code prefix}, logged since {@code mark}.
   */
  private static List<String> validatorLines(int mark, String prefix) {
    List<String> lines = CapturingAppender.lines();
    return lines.subList(mark, lines.size()).stream()
        .filter(l -> l.startsWith("WARN io.accesstokens.TokenValidator: " + prefix))
        .toList();
  }

  /**
   * Regression (issue 11): every failed lookup wrote a WARN line, so a flood of requests while the
   * store is down was a flood of log lines. 10,000 of them over 20 s of the ticker's time write
   * two.
   */
  @ValidatorTest
  void aFloodOfFailedLookups_logsOneLinePerTenSeconds_countingTheRest() {
    IssuedToken issued = acmeToken();
    store.down(true);
    int mark = CapturingAppender.mark();

    for (int i = 0; i < 10_000; i++) {
      assertThat(refusal(() -> validate(issued.value().reveal())).errorCode())
          .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      advance(Duration.ofMillis(2));
    }

    assertThat(validator.stats().failClosed()).isEqualTo(10_000);
    assertThat(validatorLines(mark, "Token lookup failed"))
        .containsExactly(
            "WARN io.accesstokens.TokenValidator: Token lookup failed, refusing with"
                + " STORE_UNAVAILABLE: io.accesstokens.StoreUnavailableException: store is down"
                + " (injected fault)",
            "WARN io.accesstokens.TokenValidator: Token lookup failed, refusing with"
                + " STORE_UNAVAILABLE: io.accesstokens.StoreUnavailableException: store is down"
                + " (injected fault) (4999 more like this since the last such line were not"
                + " logged)");
  }

  /**
   * The same for lookups refused because every slot is taken by a slow store. Inline lookups only:
   * with a lookup executor a caller stops waiting after the 1 ms timeout while its lookup still
   * waits for the slot on the executor's thread, so the refusals are counted and logged there, in
   * no fixed order relative to the test; the throttle counting them is the same code.
   */
  @ValidatorTest(lookups = Lookups.INLINE)
  void aFloodOfRefusedLookups_logsOneLinePerTenSeconds_countingTheRest() throws Exception {
    replaceValidator(service, Duration.ofMillis(1), settings -> settings.maxConcurrentLookups(1));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = holdLookupsInTheStore(1, release);
    ExecutorService slow = Executors.newSingleThreadExecutor();
    try {
      String held = TokenFormatAccess.wellFormedUnknown();
      Future<?> holding = slow.submit(() -> refusal(() -> validate(held)));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      int mark = CapturingAppender.mark();

      for (int i = 0; i < 200; i++) { // each waits the 1 ms lookup timeout for the slot
        refusal(() -> validate(TokenFormatAccess.wellFormedUnknown()));
      }
      advance(Duration.ofSeconds(10));
      refusal(() -> validate(TokenFormatAccess.wellFormedUnknown()));

      assertThat(validatorLines(mark, "Token lookup refused"))
          .containsExactly(
              "WARN io.accesstokens.TokenValidator: Token lookup refused: 1 lookups already running"
                  + " (maxConcurrentLookups)",
              "WARN io.accesstokens.TokenValidator: Token lookup refused: 1 lookups already running"
                  + " (maxConcurrentLookups) (199 more like this since the last such line were not"
                  + " logged)");
      release.countDown();
      holding.get(30, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      slow.shutdownNow();
    }
  }

  @ValidatorTest
  void concurrentMissesForOneToken_makeOneStoreCall() throws Exception {
    IssuedToken issued = acmeToken();
    int callers = 6;
    CountDownLatch release = new CountDownLatch(1);
    store.afterFindByDigest(found -> await(release));
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<ValidatedToken>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(pool.submit(() -> validate(issued.value().reveal())));
      }
      // Wait until every caller has missed and is waiting on the one lookup.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (validator.stats().misses() < callers && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      release.countDown();
      for (Future<ValidatedToken> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS).id()).isEqualTo(issued.id());
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    assertThat(validator.stats().misses()).isEqualTo(callers);
    assertThat(store.findByDigestCalls()).isEqualTo(1);
  }

  @ValidatorTest
  void anInterruptedWaiter_failsClosed_andKeepsItsInterrupt() throws Exception {
    IssuedToken issued = acmeToken();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = holdLookupsInTheStore(1, release);
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      pool.submit(() -> validate(issued.value().reveal()));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      Thread.currentThread().interrupt();
      ConnectionOpenException e = refusal(() -> validate(issued.value().reveal()));
      assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
      assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @ValidatorTest
  void theStatusOnDisk_decidesAfterAFailure_inactiveStaysInactive() {
    IssuedToken issued = acmeToken();
    service.setStatus(ACME, issued.id(), TokenStatus.INACTIVE, ALICE);
    store.down(true);
    refusal(() -> validate(issued.value().reveal()));
    store.down(false);

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
  }

  // ---- last used (issue 14)
  // ------------------------------------------------------------------------------

  /** A new ACME token of {@code clocked}, validated once, with that use flushed. */
  private IssuedToken usedAndFlushed(TokenService clocked) {
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    validate(issued.value().reveal());
    validator.flushLastUsed();
    return issued;
  }

  /** No use waits in the validator to be written, and a flush writes none. */
  private void assertNoUsePending() {
    assertThat(validator.pendingLastUses()).isZero();
    assertThat(validator.flushLastUsed()).isZero();
  }

  /**
   * {@link #useClockedService()}'s service and a validator of it that records last use, with {@code
   * settings} besides.
   */
  private TokenService useLastUsedValidator(UnaryOperator<TokenValidator.Builder> settings) {
    TokenService clocked = useClockedService();
    replaceValidator(clocked, LOOKUP_TIMEOUT, b -> settings.apply(b.recordLastUsed(true)));
    return clocked;
  }

  private java.time.@org.jspecify.annotations.Nullable Instant storedLastUse(
      TokenService of, IssuedToken token) {
    return of.get(ACME, token.token().id()).lastUsedAt();
  }

  @ValidatorTest
  void lastUsed_isOffByDefault_andNothingIsRecordedOrWritten() {
    TokenService clocked = useClockedService();
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    validate(issued.value().reveal());
    validate(issued.value().reveal());

    assertNoUsePending();
    assertThat(store.lastUsedWrites()).isZero();
    assertThat(storedLastUse(clocked, issued)).isNull();
  }

  /** No write on the validation path: the use waits in memory until the flush writes it. */
  @ValidatorTest
  void lastUsed_isRecordedOnTheMiss_andWrittenOnlyByTheFlush_keepingTheVersion() {
    TokenService clocked = useLastUsedValidator(b -> b);
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    java.time.Instant usedAt = clock.instant();

    validate(issued.value().reveal());

    assertThat(store.lastUsedWrites()).as("nothing written when validating").isZero();
    assertThat(validator.pendingLastUses()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isNull();

    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(validator.pendingLastUses()).isZero();
    assertThat(storedLastUse(clocked, issued)).isEqualTo(usedAt);
    assertThat(clocked.get(ACME, issued.token().id()).version()).isEqualTo(1);
    assertThat(validator.flushLastUsed()).as("nothing new to write").isZero();
    assertThat(store.lastUsedWrites()).isEqualTo(1);
  }

  @ValidatorTest
  void lastUsed_isRecordedOnAHit_onceTheRecordedUseIsAnIntervalOld() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(30)));
    IssuedToken issued = usedAndFlushed(clocked);
    long lookups = store.findByDigestCalls();

    advanceBoth(Duration.ofSeconds(29));
    validate(issued.value().reveal());
    assertThat(validator.pendingLastUses()).as("within the interval: not recorded").isZero();
    advanceBoth(Duration.ofSeconds(1));
    java.time.Instant hitAt = clock.instant();
    validate(issued.value().reveal());
    validate(issued.value().reveal());

    assertThat(store.findByDigestCalls()).as("hits only").isEqualTo(lookups);
    assertThat(validator.pendingLastUses()).isEqualTo(1);
    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isEqualTo(hitAt);
  }

  /**
   * The next use's due time is folded into the stamp a hit compares (issue 14): on hits alone, with
   * no reload, a use is recorded each time an interval has passed since the last recorded one, and
   * never in between.
   */
  @ValidatorTest
  void lastUsed_onHitsAlone_isRecordedOncePerInterval_neverInBetween() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(10)));
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    validate(issued.value().reveal());
    assertThat(validator.flushLastUsed()).as("the miss's use").isEqualTo(1);

    for (int second = 1; second < EXPIRY.toSeconds(); second++) {
      advanceBoth(Duration.ofSeconds(1));
      java.time.Instant hitAt = clock.instant();
      validate(issued.value().reveal());
      validate(issued.value().reveal());
      if (second % 10 == 0) {
        assertThat(validator.pendingLastUses()).as("a use due at %d s", second).isEqualTo(1);
        assertThat(validator.flushLastUsed()).isEqualTo(1);
        assertThat(storedLastUse(clocked, issued)).isEqualTo(hitAt);
      } else {
        assertThat(validator.pendingLastUses()).as("no use due at %d s", second).isZero();
      }
    }
    assertThat(store.findByDigestCalls()).as("hits only after the first").isEqualTo(1);
    assertThat(store.lastUsedWrites()).as("at 0, 10, 20, 30, 40 and 50 s").isEqualTo(6);
  }

  /**
   * A use due moves the stamp on by an interval, but never past the token's own expiry: the hit at
   * the expiry asks the store and refuses, as with recording off.
   */
  @ValidatorTest
  void lastUsed_aUseRecordedOnAHit_neverStretchesTheAnswerPastTheTokensExpiry() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(10)));
    IssuedToken issued =
        create(clocked, ACME, PROD, null, Expiry.after(Duration.ofSeconds(15)), ALICE);
    validate(issued.value().reveal());
    validator.flushLastUsed();

    advanceBoth(Duration.ofSeconds(10));
    validate(issued.value().reveal());
    assertThat(validator.pendingLastUses()).as("the use due at 10 s").isEqualTo(1);
    advanceBoth(Duration.ofSeconds(4));
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).as("hits until the expiry").isEqualTo(1);

    advanceBoth(Duration.ofSeconds(1));
    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.EXPIRED);
    assertThat(store.findByDigestCalls()).as("the stamp ran out at the expiry").isEqualTo(2);
    assertThat(validator.flushLastUsed()).as("only the use at 10 s").isEqualTo(1);
  }

  /**
   * Nor past the hard expiry: a use recorded 10 s before it leaves the answer trusted only until
   * it, and the reloaded answer starts from the stored use (no early second recording).
   */
  @ValidatorTest
  void lastUsed_aUseRecordedOnAHit_neverStretchesTheAnswerPastTheHardExpiry() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(50)));
    IssuedToken issued = usedAndFlushed(clocked);

    advanceBoth(Duration.ofSeconds(50));
    java.time.Instant hitAt = clock.instant();
    validate(issued.value().reveal());
    assertThat(validator.flushLastUsed()).as("the use due at 50 s").isEqualTo(1);
    advanceBoth(EXPIRY.minusSeconds(50).minusNanos(1));
    validate(issued.value().reveal());
    assertThat(store.findByDigestCalls()).as("a hit just before the hard expiry").isEqualTo(1);

    advanceBoth(Duration.ofNanos(1));
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());
    assertThat(store.findByDigestCalls()).as("reloaded at the hard expiry").isEqualTo(2);
    assertThat(validator.pendingLastUses()).as("the stored use is 10 s old").isZero();
    assertThat(storedLastUse(clocked, issued)).isEqualTo(hitAt);

    advanceBoth(Duration.ofSeconds(40));
    validate(issued.value().reveal());
    assertThat(validator.pendingLastUses()).as("due 50 s after the stored use").isEqualTo(1);
  }

  private io.accesstokens.@org.jspecify.annotations.Nullable ConnectionSource storedSource(
      TokenService of, IssuedToken token) {
    return of.get(ACME, token.token().id()).lastUsedFrom();
  }

  private ValidatedToken validateFrom(String value, io.accesstokens.ConnectionSource source) {
    return validator.validate(value, Scope.EDI, ACME, PROD, source);
  }

  /**
   * The source the host passes travels with the recorded use and is written with its time; a
   * validation that records no use (within the interval) does not change it.
   */
  @ValidatorTest
  void lastUsed_withASource_isWrittenWithTheRecordedUsesTime() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(30)));
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    io.accesstokens.ConnectionSource partner = io.accesstokens.ConnectionSource.of("10.0.0.7");
    io.accesstokens.ConnectionSource other = io.accesstokens.ConnectionSource.of("192.0.2.44");
    java.time.Instant usedAt = clock.instant();

    assertThat(validateFrom(issued.value().reveal(), partner).id()).isEqualTo(issued.token().id());
    assertThat(store.lastUsedWrites()).as("nothing written when validating").isZero();
    advanceBoth(Duration.ofSeconds(10));
    validateFrom(issued.value().reveal(), other); // within the interval: no use recorded
    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isEqualTo(usedAt);
    assertThat(storedSource(clocked, issued)).as("the recorded use's source").isEqualTo(partner);

    advanceBoth(Duration.ofSeconds(20));
    java.time.Instant hitAt = clock.instant();
    validateFrom(issued.value().reveal(), other);
    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isEqualTo(hitAt);
    assertThat(storedSource(clocked, issued)).isEqualTo(other);
  }

  /**
   * A host that passes no source (or a node that does not) records a use without one: the stored
   * source then clears, since it would otherwise stand beside a time it does not belong to.
   */
  @ValidatorTest
  void lastUsed_withoutASource_afterOneWithASource_storesNone() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(30)));
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    validateFrom(issued.value().reveal(), io.accesstokens.ConnectionSource.of("10.0.0.7"));
    validator.flushLastUsed();
    assertThat(storedSource(clocked, issued)).isNotNull();

    advanceBoth(Duration.ofSeconds(30));
    validator.validate(issued.value().reveal(), Scope.EDI, ACME, PROD, null);
    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isEqualTo(clock.instant());
    assertThat(storedSource(clocked, issued)).isNull();
  }

  /** A refused validation records nothing, its source included; a bad source is never made. */
  @ValidatorTest
  void lastUsed_withASource_ofARefusedToken_orABadSource_recordsNothing() {
    TokenService clocked = useLastUsedValidator(b -> b);
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    io.accesstokens.ConnectionSource partner = io.accesstokens.ConnectionSource.of("10.0.0.7");

    ConnectionOpenException foreign =
        refusal(
            () ->
                validator.validate(
                    issued.value().reveal(), Scope.EDI, GLOBEX, GLOBEX_PROD, partner));
    assertThat(foreign.getMessage()).isEqualTo(INVALID);
    assertThatThrownBy(
            () ->
                validateFrom(
                    issued.value().reveal(),
                    io.accesstokens.ConnectionSource.of("10.0.0.7\r\nX-Injected: 1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "connection source address must be printable ASCII (' ' to '~'), but had U+000D at"
                + " index 8");
    assertThatThrownBy(
            () ->
                validateFrom(
                    issued.value().reveal(),
                    io.accesstokens.ConnectionSource.of(issued.value().reveal())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connection source address must not hold a token value");

    assertNoUsePending();
    assertThat(storedSource(clocked, issued)).isNull();
  }

  @ValidatorTest
  void lastUsed_ofARefusedToken_isNotRecorded() {
    TokenService clocked = useLastUsedValidator(b -> b);
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    clocked.deactivate(ACME, issued.token().id(), ALICE);

    assertRefused(issued.value().reveal(), ACME, PROD, RefusalCause.INACTIVE);
    assertRefused(issued.value().reveal(), GLOBEX, GLOBEX_PROD, RefusalCause.WRONG_ORGANIZATION);

    assertNoUsePending();
  }

  /**
   * Two tokens validated every minute for 30 minutes, flushed every minute, with the default
   * 10-minute interval: each is written at 0, 10, 20 and 30 minutes, never more often (the answers'
   * hard expiry, 60 s here, reloads them every minute: a reloaded answer starts from the stored
   * use).
   */
  @ValidatorTest
  void lastUsed_flush_writesEachTokenAtMostOncePerInterval() {
    TokenService clocked = useLastUsedValidator(b -> b);
    IssuedToken first = create(clocked, ACME, PROD, null, ALICE);
    IssuedToken second = create(clocked, ACME, PROD, null, ALICE);
    java.time.Instant start = clock.instant();
    validate(first.value().reveal());
    validate(second.value().reveal());
    validator.flushLastUsed();

    for (int minute = 1; minute <= 30; minute++) {
      advanceBoth(Duration.ofMinutes(1));
      for (int i = 0; i < 3; i++) {
        validate(first.value().reveal());
        validate(second.value().reveal());
      }
      validator.flushLastUsed();
    }

    assertThat(store.lastUsedWrites()).as("writes of 2 tokens over 30 minutes").isEqualTo(2 * 4);
    assertThat(storedLastUse(clocked, first)).isEqualTo(start.plus(Duration.ofMinutes(30)));
    assertThat(storedLastUse(clocked, second)).isEqualTo(start.plus(Duration.ofMinutes(30)));
  }

  /**
   * A store that is down delays the flush and never fails a validation; the use is kept and written
   * by the next flush once the store is back.
   */
  @ValidatorTest
  void lastUsed_whileTheStoreIsDown_validationsGoOn_andTheNextFlushWritesTheUses() {
    TokenService clocked = useLastUsedValidator(b -> b.lastUsedInterval(Duration.ofSeconds(10)));
    IssuedToken issued = usedAndFlushed(clocked);
    store.down(true);

    advanceBoth(Duration.ofSeconds(20));
    java.time.Instant usedWhileDown = clock.instant();
    assertThat(validate(issued.value().reveal()).id()).isEqualTo(issued.token().id());
    assertThatThrownBy(validator::flushLastUsed)
        .isInstanceOf(io.accesstokens.StoreUnavailableException.class);
    assertThat(validate(issued.value().reveal()).id())
        .as("a failed flush fails no validation")
        .isEqualTo(issued.token().id());
    assertThat(validator.pendingLastUses()).as("kept for the next flush").isEqualTo(1);

    store.down(false);
    assertThat(validator.flushLastUsed()).isEqualTo(1);
    assertThat(storedLastUse(clocked, issued)).isEqualTo(usedWhileDown);
    assertThat(validator.pendingLastUses()).isZero();
  }

  /** The flush on the host's scheduler: at the interval, failures logged not thrown, and closed. */
  @ValidatorTest(lookups = Lookups.INLINE, lease = Lease.ALWAYS_TRUSTED)
  void lastUsedFlush_runsOnTheHostsScheduler_andCloseCancelsItAndFlushesOnce() {
    CapturingScheduler scheduler = new CapturingScheduler();
    closeables.add(scheduler::shutdownNow);
    TokenService clocked =
        useLastUsedValidator(
            b -> b.lastUsedInterval(Duration.ofMinutes(5)).lastUsedFlush(scheduler));
    assertThat(scheduler.delayNanos).isEqualTo(Duration.ofMinutes(5).toNanos());
    Runnable flush = scheduler.command;
    assertThat(flush).isNotNull();
    IssuedToken issued = create(clocked, ACME, PROD, null, ALICE);
    validate(issued.value().reveal());

    store.down(true);
    flush.run(); // logged, not thrown
    assertThat(validator.pendingLastUses()).isEqualTo(1);
    store.down(false);
    flush.run();
    assertThat(storedLastUse(clocked, issued)).isNotNull();

    IssuedToken other = create(clocked, ACME, PROD, null, ALICE);
    validate(other.value().reveal());
    validator.close();
    java.util.concurrent.ScheduledFuture<?> scheduled = scheduler.future;
    assertThat(scheduled != null && scheduled.isCancelled()).as("the schedule cancelled").isTrue();
    assertThat(storedLastUse(clocked, other)).as("flushed at close").isNotNull();
    assertThat(scheduler.isShutdown()).as("the host's scheduler keeps running").isFalse();
  }

  /** A scheduler that keeps the fixed-delay task for the test to run, instead of running it. */
  private static final class CapturingScheduler
      extends java.util.concurrent.ScheduledThreadPoolExecutor {
    volatile @org.jspecify.annotations.Nullable Runnable command;
    volatile long delayNanos;
    volatile java.util.concurrent.@org.jspecify.annotations.Nullable ScheduledFuture<?> future;

    CapturingScheduler() {
      super(1);
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable task, long initialDelay, long delay, TimeUnit unit) {
      this.command = task;
      this.delayNanos = unit.toNanos(delay);
      java.util.concurrent.ScheduledFuture<?> f =
          super.scheduleWithFixedDelay(() -> {}, 1, 1, TimeUnit.DAYS);
      this.future = f;
      return f;
    }
  }

  @ValidatorTest(lookups = Lookups.INLINE, lease = Lease.ALWAYS_TRUSTED)
  void lastUsedSettings_areCheckedWhenSet_andNeedRecordLastUsed() {
    assertThatThrownBy(() -> TokenValidator.builder(service).lastUsedInterval(Duration.ZERO))
        .hasMessage("last used interval must be between PT1S and PT24H, but was PT0S");
    assertThatThrownBy(
            () -> TokenValidator.builder(service).lastUsedInterval(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("last used interval and last used flush need recordLastUsed(true)");
    TokenValidator.Builder b = TokenValidator.builder(service).recordLastUsed(true);
    assertThatThrownBy(() -> b.recordLastUsed(false))
        .hasMessage("record last used already set to true");
    b.lastUsedInterval(Duration.ofMinutes(1));
    assertThatThrownBy(() -> b.lastUsedInterval(Duration.ofMinutes(2)))
        .hasMessage("last used interval already set to PT1M");
    assertThat(TokenValidator.DEFAULT_LAST_USED_INTERVAL).isEqualTo(Duration.ofMinutes(10));
  }

  // ---- builder
  // -------------------------------------------------------------------------------------

  /** The builder alone, whatever the configuration: run once. */
  @ValidatorTest(lookups = Lookups.INLINE, lease = Lease.ALWAYS_TRUSTED)
  void builderSettings_areCheckedWhenSet_andOnlyOnce() {
    TokenValidator.Builder b = TokenValidator.builder(service);
    assertThatThrownBy(() -> b.maximumSize(0))
        .hasMessage("maximum size must be positive, but was 0");
    assertThatThrownBy(() -> b.expireAfter(Duration.ZERO))
        .hasMessage("expire after must be between PT0.001S and PT24H, but was PT0S");
    assertThatThrownBy(() -> b.maxConcurrentLookups(0))
        .hasMessage("max concurrent lookups must be between 1 and 10000, but was 0");
    assertThatThrownBy(() -> b.lookupTimeout(Duration.ofHours(1)))
        .hasMessage("lookup timeout must be between PT0.001S and PT1M, but was PT1H");
    assertSetOnlyOnce(b::maximumSize, 10L, 20L, "maximum size already set to 10");
    assertSetOnlyOnce(
        b::expireAfter,
        Duration.ofSeconds(5),
        Duration.ofSeconds(6),
        "expire after already set to PT5S");
    assertSetOnlyOnce(b::negativeMaximumSize, 7L, 8L, "negative maximum size already set to 7");
    assertSetOnlyOnce(
        b::negativeExpireAfter,
        Duration.ofSeconds(3),
        Duration.ofSeconds(4),
        "negative expire after already set to PT3S");
    assertSetOnlyOnce(
        b::lookupTimeout,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        "lookup timeout already set to PT1S");
    assertSetOnlyOnce(b::maxConcurrentLookups, 4, 5, "max concurrent lookups already set to 4");
    assertSetOnlyOnce(b::ticker, ticker, ticker, "ticker already set");
    Executor inline = Runnable::run;
    assertSetOnlyOnce(b::executor, inline, inline, "executor already set");
    assertSetOnlyOnce(b::lookupExecutor, inline, inline, "lookup executor already set");
    FreshnessLease trusted = now -> true;
    assertSetOnlyOnce(b::freshnessLease, trusted, trusted, "freshness lease already set");
    assertThatThrownBy(
            () -> b.changeFollower(ChangeFollower.builder(new ScriptedChangeFeed()).build()))
        .hasMessage("freshness lease already set");
    TokenValidator.Builder withFollower =
        TokenValidator.builder(service)
            .changeFollower(ChangeFollower.builder(new ScriptedChangeFeed()).build());
    assertThatThrownBy(() -> withFollower.freshnessLease(now -> true))
        .hasMessage("freshness lease already set");
    assertThatThrownBy(
            () ->
                withFollower.changeFollower(
                    ChangeFollower.builder(new ScriptedChangeFeed()).build()))
        .hasMessage("freshness lease already set");
    assertThatThrownBy(() -> TokenValidator.builder((TokenService) null))
        .hasMessage("service must not be null");
  }

  /**
   * Holds every lookup inside the store until {@code release}; the latch returned counts the first
   * {@code lookups} of them in.
   */
  private CountDownLatch holdLookupsInTheStore(int lookups, CountDownLatch release) {
    CountDownLatch inside = new CountDownLatch(lookups);
    store.afterFindByDigest(
        found -> {
          inside.countDown();
          await(release);
        });
    return inside;
  }

  /** {@code setting} takes {@code first}, then refuses {@code second} with {@code refusal}. */
  private static <T> void assertSetOnlyOnce(
      Consumer<T> setting, T first, T second, String refusal) {
    setting.accept(first);
    assertThatThrownBy(() -> setting.accept(second)).hasMessage(refusal);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Well-formed values that no store has. */
  static final class TokenFormatAccess {
    static String wellFormedUnknown() {
      TokenId id = io.accesstokens.internal.TokenMint.newId();
      return Fixtures.mint(id);
    }

    static String withSameIdOtherSecret(String value) {
      TokenId id = new TokenId(TokenFormat.idBits(value));
      String other;
      do {
        other = Fixtures.mint(id);
      } while (other.equals(value));
      return other;
    }
  }
}
