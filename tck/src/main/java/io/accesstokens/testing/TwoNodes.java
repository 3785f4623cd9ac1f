package io.accesstokens.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;

/**
 * Two nodes on one store, as the change follower's suites set them up: A changes tokens through a
 * service of its own; B validates, following a scripted feed with a follower driven by the test.
 */
final class TwoNodes {
  final FakeTicker ticker = new FakeTicker();
  final ScriptedChangeFeed feed;
  final TokenService a;
  final ChangeFollower follower;
  final TokenValidator b;

  TwoNodes(TokenStore store) {
    this(store, new ScriptedChangeFeed());
  }

  /** B starts following {@code feed} now, at its head: numbers allocated before stay below it. */
  TwoNodes(TokenStore store, ScriptedChangeFeed feed) {
    this.feed = feed;
    a = service(store);
    follower = followerOf(feed, ticker);
    b =
        validatorFollowing(service(store), ticker, follower)
            .expireAfter(Duration.ofMinutes(10))
            .build();
  }

  /**
   * A follower of {@code feed} with the suites' staleness bound and longest transaction, on {@code
   * ticker}, driven by the test ({@link ChangeFollower#catchUp}).
   */
  static ChangeFollower followerOf(ChangeFeed feed, FakeTicker ticker) {
    return ChangeFollower.builder(feed)
        .stalenessBound(AbstractChangeFollowerTest.BOUND)
        .longestTransaction(AbstractChangeFollowerTest.LONGEST_TRANSACTION)
        .ticker(ticker)
        .drivenByCaller()
        .build();
  }

  /** A validator of {@code service} as node B: on {@code ticker}, lookups inline, following. */
  static TokenValidator.Builder validatorFollowing(
      TokenService service, FakeTicker ticker, ChangeFollower follower) {
    return TokenValidator.builder(service)
        .ticker(ticker)
        .executor(Runnable::run)
        .changeFollower(follower);
  }

  static TokenService service(TokenStore store) {
    return TokenService.builder(store)
        .entitlements(new Fixtures.SwitchableEntitlements())
        .environments(Fixtures.environments())
        .copyPolicy(CopyPolicy.ephemeral())
        .build();
  }

  boolean accepts(IssuedToken token) {
    return Fixtures.accepts(b, token, ErrorCode.INVALID_TOKEN);
  }

  void warmUp() {
    ticker.advance(AbstractChangeFollowerTest.LONGEST_TRANSACTION);
    assertThat(follower.catchUp()).isTrue();
  }
}
