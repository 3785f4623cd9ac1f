package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13: values that were never issued cost the store nothing. Node A creates tokens through a
 * service of its own; node B validates through a store wrapper that counts its digest lookups and
 * follows the store's own change feed (which logs creations), driven by the test with a fake
 * ticker. Once B's follower is warm and its set of issued ids loaded, a value whose id no token has
 * is refused with exactly the seed message and no store lookup; whenever the set is not trusted
 * (not loaded yet, lease lost) B asks the store as before.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractIssuedIdsTest {
  static final Duration BOUND = AbstractChangeFollowerTest.BOUND;
  static final Duration LONGEST_TRANSACTION = AbstractChangeFollowerTest.LONGEST_TRANSACTION;

  /** A new, empty store, shared by both nodes. */
  protected abstract TokenStore createStore();

  /** The change log of {@code store} that followers read, or null if it keeps none. */
  protected @Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof ChangeFeed feed ? feed : null;
  }

  private final FakeTicker ticker = new FakeTicker();
  private TokenService nodeA;
  private IssuedToken preexisting;
  private FaultyTokenStore counted;
  private TokenService nodeBService;
  private ChangeFollower follower;
  private TokenValidator nodeB;

  @BeforeEach
  void setUpNodes() {
    TokenStore store = createStore();
    ChangeFeed feed = changeFeedOf(store);
    assumeTrue(feed != null && feed.recordsCreations(), "the store's feed logs no creations");
    nodeA = service(store);
    preexisting = create(nodeA, ACME, PROD, null, ALICE); // before B follows: known by the scan
    counted = new FaultyTokenStore(store);
    nodeBService = service(counted);
    follower = TwoNodes.followerOf(feed, ticker);
    nodeB =
        TwoNodes.validatorFollowing(nodeBService, ticker, follower)
            .expireAfter(Duration.ofMinutes(10))
            .build();
  }

  @AfterEach
  void closeNodes() {
    if (nodeB != null) {
      nodeB.close();
    }
  }

  private static TokenService service(TokenStore store) {
    return TokenService.builder(store)
        .entitlements(new Fixtures.SwitchableEntitlements())
        .environments(Fixtures.environments())
        .copyPolicy(CopyPolicy.ephemeral())
        .build();
  }

  private void warmUp() {
    ticker.advance(LONGEST_TRANSACTION);
    assertThat(follower.catchUp()).isTrue();
    assertThat(nodeB.knowsIssuedIds()).as("loaded after the warm-up").isTrue();
  }

  private @Nullable ErrorCode refusal(String value) {
    Throwable thrown = catchThrowable(() -> nodeB.validate(value, Scope.EDI, ACME, PROD));
    if (thrown == null) {
      return null;
    }
    assertThat(thrown).isInstanceOf(ConnectionOpenException.class);
    ErrorCode code = ((ConnectionOpenException) thrown).errorCode();
    if (code == ErrorCode.INVALID_TOKEN) {
      assertThat(thrown)
          .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    }
    return code;
  }

  @Test
  void forgedValues_areRefusedAsInvalid_withoutAStoreLookup() {
    IssuedToken before = create(nodeA, ACME, PROD, null, ALICE);
    warmUp();
    long catchUps = follower.stats().catchUps();
    assertThat(refusal(preexisting.value().reveal())).as("loaded by the scan").isNull();
    assertThat(follower.stats().catchUps()).as("no catch-up needed").isEqualTo(catchUps);
    IssuedToken after = create(nodeA, ACME, PROD, null, ALICE);
    int lookups = counted.findByDigestCalls();

    for (int i = 0; i < 200; i++) {
      assertThat(refusal(Fixtures.mint(TokenMint.newId()))).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    assertThat(counted.findByDigestCalls())
        .as("no forged value reached the store")
        .isEqualTo(lookups);
    assertThat(refusal(before.value().reveal())).as("created before the warm-up").isNull();
    assertThat(refusal(after.value().reveal())).as("created on A after the scan").isNull();
    assertThat(counted.findByDigestCalls()).isEqualTo(lookups + 2);
    assertThat(follower.stats().failures()).isZero();
  }

  @Test
  void aValueCreatedOnA_validatesOnB_beforeTheSetIsLoadedThroughTheStore_andAfterThroughTheFeed() {
    IssuedToken early = create(nodeA, ACME, PROD, null, ALICE);
    assertThat(nodeB.knowsIssuedIds()).as("the follower is not warm yet").isFalse();
    assertThat(refusal(early.value().reveal())).isNull();
    assertThat(refusal(Fixtures.mint(TokenMint.newId())))
        .as("not loaded: the store decides")
        .isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(counted.findByDigestCalls()).isEqualTo(2);

    warmUp();
    IssuedToken late = create(nodeA, ACME, PROD, null, ALICE);
    long catchUps = follower.stats().catchUps();
    assertThat(refusal(late.value().reveal())).as("read from the feed, then looked up").isNull();
    assertThat(follower.stats().catchUps())
        .as("B caught up for the id it did not know")
        .isEqualTo(catchUps + 1);
    assertThat(counted.findByDigestCalls()).isEqualTo(3);
  }

  @Test
  void aValueCreatedOnBsOwnService_isKnownAtOnce_withoutACatchUp() {
    warmUp();
    IssuedToken mine = create(nodeBService, ACME, PROD, null, ALICE);
    long catchUps = follower.stats().catchUps();

    assertThat(refusal(mine.value().reveal())).isNull();
    assertThat(follower.stats().catchUps()).isEqualTo(catchUps);
  }

  @Test
  void aDeletedToken_isRefusedWithoutAStoreLookup_onceTheFeedSaysSo() {
    IssuedToken token = create(nodeA, ACME, PROD, null, ALICE);
    warmUp();
    nodeA.delete(ACME, token.id(), ALICE);
    assertThat(follower.catchUp()).isTrue();
    int lookups = counted.findByDigestCalls();

    assertThat(refusal(token.value().reveal())).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(counted.findByDigestCalls()).isEqualTo(lookups);
  }

  @Test
  void aLostLease_fallsBackToTheStore_andARenewedOneTrustsTheSetAgain() {
    warmUp();
    ticker.advance(BOUND);
    assertThat(nodeB.knowsIssuedIds()).as("no catch-up within the bound").isFalse();
    int lookups = counted.findByDigestCalls();

    assertThat(refusal(Fixtures.mint(TokenMint.newId()))).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(counted.findByDigestCalls()).as("the store decided").isEqualTo(lookups + 1);

    assertThat(follower.catchUp()).isTrue();
    assertThat(nodeB.knowsIssuedIds()).isTrue();
    assertThat(refusal(Fixtures.mint(TokenMint.newId()))).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(counted.findByDigestCalls()).isEqualTo(lookups + 1);
  }

  @Test
  void theSetCanBeSwitchedOff_thenEveryMissAsksTheStore() {
    TokenStore store = createStore();
    ChangeFeed feed = changeFeedOf(store);
    assumeTrue(feed != null);
    FaultyTokenStore counting = new FaultyTokenStore(store);
    ChangeFollower reader = TwoNodes.followerOf(feed, ticker);
    try (TokenValidator off =
        TwoNodes.validatorFollowing(service(counting), ticker, reader).issuedIdSet(false).build()) {
      ticker.advance(LONGEST_TRANSACTION);
      assertThat(reader.catchUp()).isTrue();
      assertThat(off.knowsIssuedIds()).isFalse();
      assertAForgeryIsRefusedAfterOneLookup(off, counting);
    }
  }

  /**
   * A single node with no follower keeps no set: without a change feed, tokens another process
   * creates in the same store could not reach it, and a refusal of a real token is worse than a
   * lookup. (On the memory store a lookup is a map read: nothing to protect.)
   */
  @Test
  void withoutAFollower_thereIsNoSet_andTheStoreDecides() {
    FaultyTokenStore counting = new FaultyTokenStore(createStore());
    try (TokenValidator single = TokenValidator.builder(service(counting)).build()) {
      assertThat(single.knowsIssuedIds()).isFalse();
      assertAForgeryIsRefusedAfterOneLookup(single, counting);
    }
  }

  /** {@code validator} refuses a forged value as invalid, having asked {@code counting} once. */
  private static void assertAForgeryIsRefusedAfterOneLookup(
      TokenValidator validator, FaultyTokenStore counting) {
    Throwable refused =
        catchThrowable(
            () -> validator.validate(Fixtures.mint(TokenMint.newId()), Scope.EDI, ACME, PROD));
    assertThat(((ConnectionOpenException) refused).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(counting.findByDigestCalls()).isEqualTo(1);
  }
}
