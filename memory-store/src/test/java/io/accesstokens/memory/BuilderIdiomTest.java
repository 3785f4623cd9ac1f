package io.accesstokens.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DigestPolicy;
import io.accesstokens.KeyRing;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.ScriptedChangeFeed;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one builder idiom (Caffeine's): a setting left unset takes its {@code DEFAULT_*} value when
 * the object is built, {@code build()} writes nothing into the builder (so a setting left unset can
 * still be set afterwards, and the builder builds again), and {@code build()} names every missing
 * required setting at once.
 */
@ExtendWith(SecretLeakGuard.class)
class BuilderIdiomTest {
  private final TokenService service = Fixtures.serviceOn(new MemoryTokenStore()).build();

  @Test
  void tokenValidator_build_writesNoDefaultIntoTheBuilder() {
    TokenValidator.Builder builder = TokenValidator.builder(service);
    TokenValidator first = builder.build();

    // Before the builder resolved its defaults through getters, build() wrote them into its fields,
    // and this threw "maximum size already set to 100000" for a value the caller never set.
    TokenValidator second =
        builder
            .maximumSize(5)
            .expireAfter(Duration.ofSeconds(30))
            .lookupTimeout(Duration.ofSeconds(1))
            .build();

    assertThat(first)
        .hasToString(
            "TokenValidator[cached=0, expireAfter=" + TokenValidator.DEFAULT_EXPIRE_AFTER + "]");
    assertThat(second).hasToString("TokenValidator[cached=0, expireAfter=PT30S]");
    assertThatThrownBy(() -> builder.maximumSize(6)).hasMessage("maximum size already set to 5");
    first.close();
    second.close();
  }

  @Test
  void changeFollower_build_writesNoDefaultIntoTheBuilder() {
    ChangeFollower.Builder builder = ChangeFollower.builder(new ScriptedChangeFeed());
    ChangeFollower first = builder.build();

    ChangeFollower second = builder.stalenessBound(Duration.ofSeconds(3)).build();

    assertThat(first.refusalBound()).isEqualTo(ChangeFollower.DEFAULT_STALENESS_BOUND);
    assertThat(first)
        .hasToString(
            "ChangeFollower[refusalBound="
                + ChangeFollower.DEFAULT_STALENESS_BOUND
                + ", pollInterval="
                + ChangeFollower.DEFAULT_POLL_INTERVAL
                + "]");
    assertThat(second.refusalBound()).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> builder.stalenessBound(Duration.ofSeconds(4)))
        .hasMessage("staleness bound already set");
    first.close();
    second.close();
  }

  @Test
  void changeFollower_checksTheRetentionAgainstTheDefaultsItWasNotGiven() {
    assertThatThrownBy(
            () ->
                ChangeFollower.builder(new ScriptedChangeFeed())
                    .retention(
                        ChangeFollower.DEFAULT_STALENESS_BOUND.plus(
                            ChangeFollower.DEFAULT_LONGEST_TRANSACTION))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "retention (PT6S) must be longer than the staleness bound plus the longest"
                + " transaction");
  }

  @Test
  void tokenService_build_namesEveryMissingRequiredSetting_inOneMessage() {
    assertThatThrownBy(() -> TokenService.builder(new MemoryTokenStore()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "entitlements are required: which organizations have access to the EDI application"
                + " (Entitlements.all() for tests); and an environment directory is required:"
                + " which environments each organization has; and a copy policy is required:"
                + " CopyPolicy.sealed(keys) to copy values later, CopyPolicy.digestOnly() to show"
                + " them once, or CopyPolicy.ephemeral() for in-memory use");
    assertThatThrownBy(
            () ->
                TokenService.builder(new MemoryTokenStore())
                    .entitlements(Entitlements.all())
                    .build())
        .hasMessageStartingWith("an environment directory is required")
        .hasMessageContaining("; and a copy policy is required")
        .hasMessageNotContaining("entitlements");
  }

  /** A service builder on a new store with every required setting, and only those. */
  private static TokenService.Builder completeServiceBuilder() {
    return TokenService.builder(new MemoryTokenStore())
        .entitlements(Entitlements.all())
        .environments((organization, environment) -> true)
        .copyPolicy(CopyPolicy.digestOnly());
  }

  @Test
  void tokenService_build_writesNothingIntoTheBuilder() {
    TokenService.Builder builder = completeServiceBuilder();
    TokenService first = builder.build();

    TokenService second = builder.clock(java.time.Clock.systemUTC()).build();

    assertThat(second).isNotSameAs(first);
    assertThatThrownBy(() -> builder.clock(java.time.Clock.systemUTC()))
        .hasMessage("clock already set");
  }

  @Test
  void tokenService_everySetting_canBeSetOnlyOnce() {
    TokenService.Builder b =
        completeServiceBuilder().digestPolicy(DigestPolicy.sha256()).clock(Clock.systemUTC());

    assertThatThrownBy(() -> b.entitlements(Entitlements.all()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("entitlements already set");
    assertThatThrownBy(() -> b.environments((organization, environment) -> true))
        .hasMessage("environment directory already set");
    assertThatThrownBy(() -> b.copyPolicy(CopyPolicy.digestOnly()))
        .hasMessage("copy policy already set");
    assertThatThrownBy(() -> b.digestPolicy(DigestPolicy.sha256()))
        .hasMessage("digest policy already set");
    assertThatThrownBy(() -> b.clock(Clock.systemUTC())).hasMessage("clock already set");
  }

  /** Each bounded setting of the follower's builder: refused just outside, taken at its limits. */
  @Test
  void changeFollower_everyBoundedSetting_isTakenAtItsLimits_andRefusedJustOutside() {
    Duration underOneMs = Duration.ofNanos(999_999);
    Duration oneMs = Duration.ofMillis(1);
    assertRefused(
        follower(), b -> b.pollInterval(underOneMs), "poll interval must be at least 1 ms");
    assertTaken(follower(), b -> b.pollInterval(oneMs));
    assertRefused(follower(), b -> b.stalenessBound(underOneMs), "staleness bound must be");
    assertTaken(follower(), b -> b.stalenessBound(oneMs));
    assertTaken(follower(), b -> b.stalenessBound(Duration.ofHours(1)));
    assertRefused(
        follower(),
        b -> b.stalenessBound(Duration.ofHours(1).plusNanos(1)),
        "staleness bound must be");
    assertRefused(
        follower(), b -> b.longestTransaction(Duration.ofNanos(-1)), "longest transaction must be");
    assertTaken(follower(), b -> b.longestTransaction(Duration.ZERO));
    assertTaken(follower(), b -> b.longestTransaction(Duration.ofMinutes(10)));
    assertRefused(
        follower(),
        b -> b.longestTransaction(Duration.ofMinutes(10).plusNanos(1)),
        "longest transaction must be");
    assertRefused(
        follower(), b -> b.retention(Duration.ofNanos(-1)), "retention must not be negative");
    assertTaken(follower(), b -> b.retention(Duration.ZERO));
    assertRefused(follower(), b -> b.pruneEvery(underOneMs), "prune every must be at least 1 ms");
    assertTaken(follower(), b -> b.pruneEvery(oneMs));
    assertRefused(
        follower(), b -> b.batchSize(0), "batch size must be between 1 and 100000, but was 0");
    assertTaken(follower(), b -> b.batchSize(1));
    assertTaken(follower(), b -> b.batchSize(100_000));
    assertRefused(
        follower(),
        b -> b.batchSize(100_001),
        "batch size must be between 1 and 100000, but was 100001");
  }

  /**
   * Each bounded setting of the validator's builder that the suites leave unchecked at its limits:
   * refused just outside, taken at its limits.
   */
  @Test
  void tokenValidator_boundedSettings_areTakenAtTheirLimits_andRefusedJustOutside() {
    assertRefused(
        validator(), b -> b.negativeMaximumSize(0), "negative maximum size must be positive");
    assertTaken(validator(), b -> b.negativeMaximumSize(1));
    assertRefused(
        validator(),
        b -> b.maxConcurrentLookups(0),
        "max concurrent lookups must be between 1 and 10000, but was 0");
    assertTaken(validator(), b -> b.maxConcurrentLookups(1));
    assertTaken(validator(), b -> b.maxConcurrentLookups(10_000));
    assertRefused(
        validator(),
        b -> b.maxConcurrentLookups(10_001),
        "max concurrent lookups must be between 1 and 10000, but was 10001");
    assertRefused(
        validator(), b -> b.lookupTimeout(Duration.ofNanos(999_999)), "lookup timeout must be");
    assertTaken(validator(), b -> b.lookupTimeout(Duration.ofMillis(1)));
    assertTaken(validator(), b -> b.lookupTimeout(Duration.ofMinutes(1)));
    assertRefused(
        validator(),
        b -> b.lookupTimeout(Duration.ofMinutes(1).plusNanos(1)),
        "lookup timeout must be");
  }

  @Test
  void tokenValidator_settingsTheSuitesDoNotRepeat_canBeSetOnlyOnce() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      TokenValidator.Builder b =
          TokenValidator.builder(service)
              .clock(Clock.systemUTC())
              .issuedIdSet(false)
              .lastUsedFlush(scheduler);

      assertThatThrownBy(() -> b.clock(Clock.systemUTC())).hasMessage("clock already set");
      assertThatThrownBy(() -> b.issuedIdSet(true))
          .hasMessage("issued id set already set to false");
      assertThatThrownBy(() -> b.lastUsedFlush(scheduler))
          .hasMessage("last used flush already set");
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static ChangeFollower.Builder follower() {
    return ChangeFollower.builder(new ScriptedChangeFeed());
  }

  private TokenValidator.Builder validator() {
    return TokenValidator.builder(service);
  }

  private static <B> void assertRefused(B builder, Consumer<B> setting, String message) {
    assertThatThrownBy(() -> setting.accept(builder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  private static <B> void assertTaken(B builder, Consumer<B> setting) {
    assertThatCode(() -> setting.accept(builder)).doesNotThrowAnyException();
  }

  @Test
  void changeFollower_everySetting_canBeSetOnlyOnce() {
    ChangeFollower.Builder b =
        ChangeFollower.builder(new ScriptedChangeFeed())
            .pollInterval(Duration.ofMillis(100))
            .stalenessBound(Duration.ofSeconds(2))
            .longestTransaction(Duration.ofSeconds(3))
            .retention(Duration.ofMinutes(20))
            .pruneEvery(Duration.ofMinutes(2))
            .batchSize(10)
            .ticker(Ticker.systemTicker())
            .clock(Clock.systemUTC())
            .threadFactory(Thread::new)
            .drivenByCaller();

    assertThatThrownBy(() -> b.pollInterval(Duration.ofMillis(100)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("poll interval already set");
    assertThatThrownBy(() -> b.stalenessBound(Duration.ofSeconds(2)))
        .hasMessage("staleness bound already set");
    assertThatThrownBy(() -> b.longestTransaction(Duration.ofSeconds(3)))
        .hasMessage("longest transaction already set");
    assertThatThrownBy(() -> b.retention(Duration.ofMinutes(20)))
        .hasMessage("retention already set");
    assertThatThrownBy(() -> b.pruneEvery(Duration.ofMinutes(2)))
        .hasMessage("prune every already set");
    assertThatThrownBy(() -> b.batchSize(10)).hasMessage("batch size already set");
    assertThatThrownBy(() -> b.ticker(Ticker.systemTicker())).hasMessage("ticker already set");
    assertThatThrownBy(() -> b.clock(Clock.systemUTC())).hasMessage("clock already set");
    assertThatThrownBy(() -> b.threadFactory(Thread::new)).hasMessage("thread factory already set");
    assertThatThrownBy(b::drivenByCaller).hasMessage("driven by caller already set");
  }

  @Test
  void keyRing_build_copiesTheKeys_soTheBuilderCanGrowAndBuildAgain() {
    KeyRing.Builder builder = KeyRing.builder().current("k1", new byte[32]);
    KeyRing first = builder.build();

    KeyRing second = builder.retired("k0", new byte[32]).build();

    assertThat(first.keyIds()).containsExactly("k1");
    assertThat(second.keyIds()).containsExactly("k1", "k0");
    assertThatThrownBy(() -> KeyRing.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a key ring needs a current key");
  }
}
