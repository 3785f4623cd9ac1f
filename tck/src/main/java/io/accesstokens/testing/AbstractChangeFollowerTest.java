package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.LeakOutcome;
import io.accesstokens.LeakResponse;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cross-node refusal bound, proven with a fake ticker and a feed the test controls: node A
 * changes tokens in the shared store and commits the change records in any order; node B's
 * validator follows the feed. Time never passes except by {@link FakeTicker#advance}. The same
 * bound on random timelines is {@link AbstractChangeFollowerTimelinesTest}'s.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractChangeFollowerTest {
  static final Duration BOUND = Duration.ofSeconds(1);
  static final Duration LONGEST_TRANSACTION = Duration.ofSeconds(2);

  /** A new, empty store, shared by both nodes. */
  protected abstract TokenStore createStore();

  /**
   * The change log of {@code store} that followers read, or null if it keeps none; by default the
   * store itself if it is a {@link ChangeFeed}.
   */
  protected @Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof ChangeFeed feed ? feed : null;
  }

  private TokenStore store;
  private TwoNodes nodes;
  private FakeTicker ticker;
  private ScriptedChangeFeed feed;
  private TokenService nodeA;
  private ChangeFollower follower;
  private TokenValidator nodeB;

  @BeforeEach
  void setUpNodes() {
    store = createStore();
    nodes = new TwoNodes(store);
    ticker = nodes.ticker;
    feed = nodes.feed;
    nodeA = nodes.a;
    follower = nodes.follower;
    nodeB = nodes.b;
  }

  @AfterEach
  void closeNodes() {
    nodeB.close();
  }

  private boolean accepts(IssuedToken token) {
    return nodes.accepts(token);
  }

  private void warmUp() {
    nodes.warmUp();
  }

  private IssuedToken cachedOnB() {
    IssuedToken token = create(nodeA, ACME, PROD, null, ALICE);
    assertThat(accepts(token)).isTrue();
    return token;
  }

  private void deactivateOnA(IssuedToken token) {
    nodeA.deactivate(ACME, token.id(), ALICE);
    feed.commitNext(token.id(), TokenEventType.STATUS_CHANGED);
  }

  private long lookups() {
    return nodeB.stats().storeLookups();
  }

  // ---- the basic path
  // ------------------------------------------------------------------------------

  @Test
  void aRemoteDeactivation_isRefusedAfterTheNextCatchUp() {
    warmUp();
    IssuedToken token = cachedOnB();
    deactivateOnA(token);

    assertThat(accepts(token))
        .as("not yet seen: the cached answer stands, within the bound")
        .isTrue();
    follower.catchUp();
    assertThat(accepts(token)).isFalse();
    assertThat(nodeB.refusalBound()).isEqualTo(BOUND);
  }

  /** What health checks and metrics read (issue 17): the lease now, and the lag behind it. */
  @Test
  void isTrustedAndLag_followTheLastCompleteCatchUp() {
    assertThat(follower.isTrusted()).as("not trusted before the warm-up").isFalse();
    assertThat(follower.lag()).isGreaterThanOrEqualTo(BOUND);
    warmUp();
    assertThat(follower.isTrusted()).isTrue();
    assertThat(follower.lag()).isZero();

    ticker.advance(Duration.ofMillis(400));
    assertThat(follower.lag()).isEqualTo(Duration.ofMillis(400));
    assertThat(follower.isTrusted()).isTrue();

    ticker.advance(Duration.ofMillis(600));
    assertThat(follower.lag()).isEqualTo(BOUND);
    assertThat(follower.isTrusted()).as("the lease lasts the bound, no longer").isFalse();

    assertThat(follower.catchUp()).isTrue();
    assertThat(follower.isTrusted()).isTrue();
    assertThat(follower.lag()).isZero();
  }

  /**
   * Issue 13: losing EDI access reaches every node through the store. Node A's service records the
   * host's entitlement change in the store's own change log; node B, which has its own service (so
   * it hears nothing from A's) and follows the store's feed, refuses the organization's cached
   * tokens after its next catch-up (within the refusal bound), keeps another organization's, and
   * takes the organization back once it is entitled again.
   */
  @Test
  void anEntitlementChangeOnA_reachesBThroughTheStoresChangeLog_forThatOrganizationOnly() {
    ChangeFeed realFeed = storesChangeLog();
    Fixtures.SwitchableEntitlements shared = new Fixtures.SwitchableEntitlements();
    TokenService a = entitledService(shared);
    FakeTicker time = new FakeTicker();
    ChangeFollower reader = TwoNodes.followerOf(realFeed, time);
    try (TokenValidator b = warmNodeB(shared, time, reader)) {
      IssuedToken acme = create(a, ACME, PROD, null, ALICE);
      IssuedToken globex = create(a, Fixtures.GLOBEX, Fixtures.GLOBEX_PROD, null, ALICE);
      assertAccepts(b, acme);
      b.validate(globex.value().reveal(), Scope.EDI, Fixtures.GLOBEX, Fixtures.GLOBEX_PROD);
      long lookups = b.stats().storeLookups();

      shared.set(ACME, false);
      assertThat(b.validate(acme.value().reveal(), Scope.EDI, ACME, PROD).id())
          .as("not yet told: the cached answer stands, within the bound")
          .isEqualTo(acme.id());
      a.entitlementChanged(ACME);
      assertThat(reader.catchUp()).isTrue();

      Throwable refused =
          catchThrowable(() -> b.validate(acme.value().reveal(), Scope.EDI, ACME, PROD));
      assertThat(refused).isInstanceOf(ConnectionOpenException.class);
      assertThat(((ConnectionOpenException) refused).errorCode())
          .isEqualTo(ErrorCode.INVALID_TOKEN);
      assertThat(
              b.validate(globex.value().reveal(), Scope.EDI, Fixtures.GLOBEX, Fixtures.GLOBEX_PROD)
                  .id())
          .isEqualTo(globex.id());
      assertThat(b.stats().storeLookups())
          .as("only the organization's token was looked up again")
          .isEqualTo(lookups + 1);

      shared.set(ACME, true);
      a.entitlementChanged(ACME);
      assertThat(reader.catchUp()).isTrue();
      assertThat(b.validate(acme.value().reveal(), Scope.EDI, ACME, PROD).id())
          .as("entitled again")
          .isEqualTo(acme.id());
      assertThat(reader.stats().failures()).isZero();
    }
  }

  /**
   * Issue 15: a token revoked by value on node A ({@link LeakResponse#revokeLeaked}, as a
   * deactivation or as a delete) reaches node B through the store's own change log: B, which has
   * its own service and hears nothing from A's, keeps its cached answer until its next catch-up
   * (within the refusal bound) and refuses the token from then on; another token stays cached.
   */
  @ParameterizedTest
  @EnumSource(LeakResponse.Action.class)
  void aLeakRevokedOnA_isRefusedOnB_afterItsNextCatchUp_throughTheStoresChangeLog(
      LeakResponse.Action action) {
    ChangeFeed realFeed = storesChangeLog();
    Fixtures.SwitchableEntitlements shared = new Fixtures.SwitchableEntitlements();
    TokenService a = entitledService(shared);
    LeakResponse leaks = LeakResponse.builder(a).action(action).build();
    FakeTicker time = new FakeTicker();
    ChangeFollower reader = TwoNodes.followerOf(realFeed, time);
    try (TokenValidator b = warmNodeB(shared, time, reader)) {
      IssuedToken leaked = create(a, ACME, PROD, null, ALICE);
      IssuedToken kept = create(a, ACME, PROD, null, ALICE);
      assertAccepts(b, leaked);
      b.validate(kept.value().reveal(), Scope.EDI, ACME, PROD);
      long lookups = b.stats().storeLookups();

      assertThat(leaks.revokeLeaked(List.of(leaked.value().reveal()), "in a ticket", ALICE))
          .containsExactly(LeakOutcome.REVOKED);
      assertThat(b.validate(leaked.value().reveal(), Scope.EDI, ACME, PROD).id())
          .as("not yet seen: the cached answer stands, within the bound")
          .isEqualTo(leaked.id());
      time.advance(BOUND.dividedBy(2));
      assertThat(reader.catchUp()).isTrue();

      assertRefusedAsInvalid(b, leaked);
      assertAccepts(b, kept);
      // A deactivated token is looked up again (its row says Inactive); a deleted one is refused by
      // the set of issued ids, whose DELETED record the catch-up read, without a lookup.
      assertThat(b.stats().storeLookups())
          .as("only the revoked token was looked up again, and only if its row is still there")
          .isEqualTo(action == LeakResponse.Action.DELETE ? lookups : lookups + 1);
      assertThat(b.knowsIssuedIds()).isTrue();
      assertThat(b.refusalBound()).isEqualTo(BOUND);
      assertThat(reader.stats().failures()).isZero();
    }
  }

  /**
   * Node B of the store's own change log: a service of its own on {@code shared} entitlements (so
   * it hears nothing from A's), following {@code reader}, warmed up.
   */
  private TokenValidator warmNodeB(
      Fixtures.SwitchableEntitlements shared, FakeTicker time, ChangeFollower reader) {
    TokenValidator b =
        TwoNodes.validatorFollowing(entitledService(shared), time, reader)
            .expireAfter(Duration.ofMinutes(10))
            .build();
    time.advance(LONGEST_TRANSACTION);
    assertThat(reader.catchUp()).as("warm-up").isTrue();
    return b;
  }

  private TokenService entitledService(Fixtures.SwitchableEntitlements entitlements) {
    return TokenService.builder(store)
        .entitlements(entitlements)
        .environments(Fixtures.environments())
        .copyPolicy(CopyPolicy.ephemeral())
        .build();
  }

  /** The store's own change log; the test is skipped where the store keeps none. */
  private ChangeFeed storesChangeLog() {
    ChangeFeed realFeed = changeFeedOf(store);
    assumeTrue(realFeed != null, "the store keeps no change log");
    return realFeed;
  }

  /** {@code b} accepts {@code token} for ACME's production environment. */
  private static void assertAccepts(TokenValidator b, IssuedToken token) {
    assertThat(b.validate(token.value().reveal(), Scope.EDI, ACME, PROD).id())
        .isEqualTo(token.id());
  }

  /**
   * {@code b} refuses {@code token} for ACME's production environment with the seed's message and
   * {@link ErrorCode#INVALID_TOKEN}.
   */
  private static void assertRefusedAsInvalid(TokenValidator b, IssuedToken token) {
    Throwable refused =
        catchThrowable(() -> b.validate(token.value().reveal(), Scope.EDI, ACME, PROD));
    assertThat(refused)
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    assertThat(((ConnectionOpenException) refused).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
  }

  /** A service of its own on the store, entitling every organization, reading {@code clock}. */
  private TokenService serviceAt(MutableClock clock) {
    return TokenService.builder(store)
        .entitlements(new Fixtures.SwitchableEntitlements())
        .environments(Fixtures.environments())
        .copyPolicy(CopyPolicy.ephemeral())
        .clock(clock)
        .build();
  }

  /**
   * Issue 13: store reads stay flat as nodes grow. With a follower holding the lease, a cached
   * answer stays fresh without a short hard expiry, so the default is {@link
   * TokenValidator#DEFAULT_EXPIRE_AFTER_FOLLOWED} (30 minutes): a token validated all along is read
   * from the store once per 30 minutes, not once a minute; without a follower it stays 60 seconds.
   */
  @Test
  void withAFollower_theDefaultHardExpiryIs30Minutes_andWithoutOne60Seconds() {
    FakeTicker time = new FakeTicker();
    ChangeFollower reader = TwoNodes.followerOf(new ScriptedChangeFeed(), time);
    try (TokenValidator b = TwoNodes.validatorFollowing(nodeA, time, reader).build();
        TokenValidator single = TokenValidator.builder(nodeA).build()) {
      assertThat(b.toString()).contains("expireAfter=" + Duration.ofMinutes(30));
      assertThat(single.toString()).contains("expireAfter=" + Duration.ofSeconds(60));
      time.advance(LONGEST_TRANSACTION);
      assertThat(reader.catchUp()).as("warm-up").isTrue();
      IssuedToken token = create(nodeA, ACME, PROD, null, ALICE);
      b.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      long lookups = b.stats().storeLookups();

      Duration step = Duration.ofMillis(500);
      long steps = Duration.ofMinutes(30).toNanos() / step.toNanos();
      for (long i = 1; i < steps; i++) {
        time.advance(step);
        assertThat(reader.catchUp()).isTrue();
        if (i % 120 == 0) { // once a minute
          b.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
        }
      }
      b.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      assertThat(b.stats().storeLookups())
          .as("a cached token, validated every minute for 29 min 59.5 s: no store read")
          .isEqualTo(lookups);
      time.advance(step);
      assertThat(reader.catchUp()).isTrue();
      b.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      assertThat(b.stats().storeLookups()).as("30 minutes: read again").isEqualTo(lookups + 1);
    }
  }

  /** A rolling upgrade: a newer node logs a kind of change this version has no name for. */
  @Test
  void aChangeOfAKindThisVersionDoesNotKnow_evictsTheTokenAllTheSame() {
    warmUp();
    IssuedToken token = cachedOnB();
    nodeA.deactivate(ACME, token.id(), ALICE);
    feed.commitNext(token.id(), null); // how a store reads a type it does not know

    follower.catchUp();

    assertThat(accepts(token)).isFalse();
    assertThat(follower.stats().failures()).isZero();
  }

  @Test
  void aRemoteDeleteAndAReactivation_propagateToo() {
    warmUp();
    IssuedToken deleted = cachedOnB();
    IssuedToken toggled = cachedOnB();
    nodeA.delete(ACME, deleted.id(), ALICE);
    feed.commitNext(deleted.id(), TokenEventType.DELETED);
    deactivateOnA(toggled);
    follower.catchUp();
    assertThat(accepts(deleted)).isFalse();
    assertThat(accepts(toggled)).isFalse();

    nodeA.activate(ACME, toggled.id(), ALICE);
    feed.commitNext(toggled.id(), TokenEventType.STATUS_CHANGED);
    follower.catchUp();
    assertThat(accepts(toggled)).isTrue();
  }

  // ---- the lease
  // -----------------------------------------------------------------------------------

  @Test
  void aStalledFollower_stopsBeingTrusted_exactlyTheBoundAfterItsLastCatchUpBegan() {
    warmUp();
    IssuedToken token = cachedOnB();
    deactivateOnA(token); // never read: the follower stalls from here

    ticker.advance(BOUND.minusNanos(1));
    assertThat(accepts(token)).as("still within the bound").isTrue();
    long before = lookups();
    ticker.advance(Duration.ofNanos(1));
    assertThat(accepts(token)).as("at the bound the cache is not trusted").isFalse();
    assertThat(lookups()).isEqualTo(before + 1);
  }

  @Test
  void aFailingFeed_doesNotRenewTheLease_andTheCacheRecoversAfterwards() {
    warmUp();
    IssuedToken token = cachedOnB();
    feed.down(true);
    ticker.advance(Duration.ofMillis(600));
    int mark = CapturingAppender.mark();
    assertThat(follower.catchUp()).isFalse();
    assertThat(followerLines(mark))
        .containsExactly(
            "WARN io.accesstokens.ChangeFollower: Catching up with other nodes' changes failed;"
                + " the cache stays trusted only until PT1S after the last complete catch-up:"
                + " io.accesstokens.StoreUnavailableException: change feed is down (injected"
                + " fault)");
    ticker.advance(Duration.ofMillis(400));
    long before = lookups();
    assertThat(accepts(token)).isTrue();
    assertThat(lookups()).as("untrusted: asked the store").isEqualTo(before + 1);

    feed.down(false);
    assertThat(follower.catchUp()).isTrue();
    before = lookups();
    assertThat(accepts(token)).isTrue();
    assertThat(lookups()).as("trusted again").isEqualTo(before);
    assertThat(follower.stats().failures()).isEqualTo(1);
  }

  @Test
  void aNewFollower_trustsNothingUntilTheLongestTransactionHasPassed_thenDropsWhatItCached() {
    IssuedToken token = create(nodeA, ACME, PROD, null, ALICE);
    // A transaction that took its number before B started commits after B cached the old answer.
    long early = feed.allocate();
    assertThat(follower.catchUp()).isTrue();
    assertThat(accepts(token)).isTrue();
    assertThat(accepts(token)).isTrue();
    assertThat(lookups()).as("cold: every validation asks the store").isEqualTo(2);
    nodeA.deactivate(ACME, token.id(), ALICE);
    feed.commit(early, token.id(), TokenEventType.STATUS_CHANGED); // below B's start position

    ticker.advance(LONGEST_TRANSACTION);
    follower.catchUp();
    assertThat(accepts(token)).isFalse();
    assertThat(follower.stats().cacheClears()).isEqualTo(1);
  }

  // ---- sequence gaps
  // -------------------------------------------------------------------------------

  @Test
  void aLowerSequenceCommittedAfterAHigherOneWasRead_isNotMissed() {
    warmUp();
    IssuedToken early = cachedOnB();
    IssuedToken late = cachedOnB();
    long first = feed.allocate();
    long second = feed.allocate();
    deactivateStoreOnly(late);
    feed.commit(second, late.id(), TokenEventType.STATUS_CHANGED);
    follower.catchUp();
    assertThat(accepts(late)).isFalse();
    assertThat(follower.stats().watermark()).as("held below the gap").isEqualTo(first - 1);

    ticker.advance(LONGEST_TRANSACTION.minusMillis(1));
    deactivateStoreOnly(early);
    feed.commit(first, early.id(), TokenEventType.STATUS_CHANGED);
    follower.catchUp();
    assertThat(accepts(early)).isFalse();
    assertThat(follower.stats().watermark()).isEqualTo(second);
    assertThat(follower.stats().gapsGivenUp()).isZero();
  }

  @Test
  void aGapThatNeverFills_isGivenUpAfterTheLongestTransaction() {
    warmUp();
    IssuedToken token = cachedOnB();
    long rolledBack = feed.allocate();
    deactivateOnA(token);
    follower.catchUp();
    assertThat(follower.stats().watermark()).isEqualTo(rolledBack - 1);

    ticker.advance(LONGEST_TRANSACTION.minusNanos(1));
    follower.catchUp();
    assertThat(follower.stats().watermark()).isEqualTo(rolledBack - 1);
    ticker.advance(Duration.ofNanos(1));
    int mark = CapturingAppender.mark();
    follower.catchUp();
    assertThat(follower.stats().watermark()).isEqualTo(rolledBack + 1);
    assertThat(followerLines(mark))
        .containsExactly(
            "DEBUG io.accesstokens.ChangeFollower: Giving up sequence gap after "
                + (rolledBack - 1)
                + " (up to "
                + (rolledBack + 1)
                + ")");
    assertThat(follower.stats().gapsGivenUp()).isEqualTo(1);
  }

  @Test
  void aLargeJumpInSequences_isOneGap_notAMillion() {
    warmUp();
    for (int i = 0; i < 1_000_000; i++) {
      feed.allocate();
    }
    IssuedToken token = cachedOnB();
    deactivateOnA(token);
    follower.catchUp();
    ticker.advance(LONGEST_TRANSACTION);
    follower.catchUp();

    assertThat(follower.stats().watermark()).isEqualTo(1_000_001);
    assertThat(accepts(token)).isFalse();
  }

  // ---- pruning and notifications
  // -------------------------------------------------------------------

  @Test
  void changesPrunedBeforeTheyWereRead_dropTheWholeCache() {
    warmUp();
    IssuedToken token = cachedOnB();
    deactivateOnA(token);
    long pruned = feed.head();
    feed.pruneThrough(pruned);
    int mark = CapturingAppender.mark();

    follower.catchUp();

    assertThat(followerLines(mark))
        .containsExactly(
            "WARN io.accesstokens.ChangeFollower: Changes up to sequence "
                + pruned
                + " were pruned before this node read them (it was at "
                + (pruned - 1)
                + "); dropping its cached validations");

    assertThat(accepts(token)).isFalse();
    assertThat(follower.stats().cacheClears()).isEqualTo(2); // warm-up, then the pruned changes
  }

  /**
   * Another node prunes after this catch-up read the pruning marker but before it read the changes:
   * the catch-up sees neither the change nor a marker above its position, so only a marker read
   * after the changes tells it that it may have missed something.
   */
  @Test
  void changesPrunedBetweenReadingTheMarkerAndReadingTheChanges_dropTheWholeCache() {
    warmUp();
    IssuedToken token = cachedOnB();
    deactivateOnA(token);
    feed.beforeNextRead(() -> feed.pruneThrough(feed.head()));

    follower.catchUp();

    assertThat(accepts(token))
        .as("the deactivation was pruned unread: nothing cached may be trusted")
        .isFalse();
    assertThat(follower.stats().cacheClears()).isEqualTo(2); // warm-up, then the pruned changes
  }

  /**
   * The follower prunes the store's own change log: once every {@code pruneEvery} of its ticker's
   * time (not more often), it drops the changes written more than the retention before its clock's
   * now, never the newest; a follower that pruned keeps its place and its cache.
   */
  @Test
  void theFollower_prunesTheStoresChangeLogByItsRetention_onceEveryPruneEvery() {
    ChangeFeed realFeed = storesChangeLog();
    MutableClock clock = MutableClock.startingAt("2026-12-01T00:00:00Z");
    TokenService a = serviceAt(clock);
    ChangeFollower reader =
        ChangeFollower.builder(realFeed)
            .stalenessBound(BOUND)
            .longestTransaction(LONGEST_TRANSACTION)
            .retention(Duration.ofMinutes(1))
            .pruneEvery(Duration.ofMinutes(2))
            .ticker(Fixtures.tickerOf(clock))
            .clock(clock)
            .drivenByCaller()
            .build();
    try (TokenValidator b =
        TokenValidator.builder(a)
            .ticker(Fixtures.tickerOf(clock))
            .executor(Runnable::run)
            .changeFollower(reader)
            .build()) {
      long base = realFeed.head();
      create(a, ACME, PROD, null, ALICE); // logged at 0:00
      clock.advance(Duration.ofMinutes(2));
      create(a, ACME, PROD, null, ALICE); // logged at 2:00

      assertThat(reader.catchUp()).isTrue();
      assertThat(realFeed.prunedThrough())
          .as("two minutes after the follower started: the change older than a minute is pruned")
          .isEqualTo(base + 1);
      assertThat(realFeed.changesAfter(base, 10)).hasSize(1);

      clock.advance(Duration.ofMinutes(2).minusNanos(1));
      create(a, ACME, PROD, null, ALICE); // logged just before 4:00
      assertThat(reader.catchUp()).isTrue();
      assertThat(realFeed.prunedThrough())
          .as("less than two minutes after the last prune: none, though 2:00's is a minute old")
          .isEqualTo(base + 1);

      clock.advance(Duration.ofNanos(1));
      assertThat(reader.catchUp()).isTrue();
      assertThat(realFeed.prunedThrough()).isEqualTo(base + 2);
      assertThat(realFeed.changesAfter(base, 10))
          .as("the newest change is kept")
          .extracting(io.accesstokens.spi.ChangeRecord::sequence)
          .containsExactly(base + 3);
      assertThat(reader.stats().cacheClears()).as("the warm-up's only").isEqualTo(1);
      assertThat(reader.stats().watermark()).isEqualTo(base + 3);
      assertThat(reader.stats().failures()).isZero();
      assertThat(b.refusalBound()).isEqualTo(BOUND);
    }
  }

  @Test
  void aLostNotificationConnection_doesNotStopPolling() throws Exception {
    ScriptedChangeFeed broken = new ScriptedChangeFeed();
    broken.breakNotifications(true);
    ChangeFollower polling =
        ChangeFollower.builder(broken)
            .pollInterval(Duration.ofMillis(5))
            .longestTransaction(Duration.ZERO)
            .build();
    TokenValidator validator =
        TokenValidator.builder(TwoNodes.service(createStore())).changeFollower(polling).build();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (polling.stats().catchUps() < 3 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(polling.stats().catchUps()).isGreaterThanOrEqualTo(3);
    } finally {
      validator.close();
    }
    long after = polling.stats().catchUps();
    assertThat(polling.stats().catchUps()).as("close stopped the thread").isEqualTo(after);
  }

  @Test
  void theFollower_servesOneValidator_andItsSettingsAreChecked() {
    assertThatThrownBy(() -> TokenValidator.builder(nodeA).changeFollower(follower).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a change follower serves one validator, and it already has one");
    assertThatThrownBy(() -> ChangeFollower.builder(feed).retention(Duration.ofSeconds(2)).build())
        .hasMessageContaining(
            "must be longer than the staleness bound plus the longest transaction");
    assertThatThrownBy(() -> ChangeFollower.builder(feed).pollInterval(Duration.ZERO))
        .hasMessage("poll interval must be at least 1 ms, but was PT0S");
    ChangeFollower unattached = ChangeFollower.builder(feed).drivenByCaller().build();
    assertThatThrownBy(unattached::catchUp)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("change follower is not attached to a validator");
    unattached.close();
    assertThatThrownBy(() -> TokenValidator.builder(nodeA).changeFollower(unattached).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("change follower is closed");
    assertThatThrownBy(
            () ->
                TokenValidator.builder(nodeA).freshnessLease(now -> true).changeFollower(follower))
        .hasMessage("freshness lease already set");
  }

  /** The follower's log lines since {@code mark}. */
  private static List<String> followerLines(int mark) {
    List<String> lines = CapturingAppender.lines();
    return lines.subList(mark, lines.size()).stream()
        .filter(l -> l.contains(" io.accesstokens.ChangeFollower: "))
        .toList();
  }

  private void deactivateStoreOnly(IssuedToken token) {
    nodeA.deactivate(ACME, token.id(), ALICE);
  }

  /**
   * Issue 14: a rotation on node A reaches node B through the store's own change log. B cached the
   * predecessor's answer (never expiring) before the rotation; after its next catch-up it reads the
   * predecessor again, accepts it within the overlap, and refuses it with the seed's message once
   * the overlap is over, while the successor validates. Without the eviction B's cached answer
   * would outlive the overlap. B's ticker reads the shared clock, so cached answers age with it.
   */
  @Test
  void aRotationOnA_reachesBThroughTheStoresChangeLog_andBRefusesThePredecessorAfterTheOverlap() {
    ChangeFeed realFeed = storesChangeLog();
    MutableClock clock = MutableClock.startingAt("2026-12-01T00:00:00Z");
    TokenService a = serviceAt(clock);
    com.github.benmanes.caffeine.cache.Ticker time = Fixtures.tickerOf(clock);
    ChangeFollower reader =
        ChangeFollower.builder(realFeed)
            .stalenessBound(BOUND)
            .longestTransaction(LONGEST_TRANSACTION)
            .ticker(time)
            .drivenByCaller()
            .build();
    try (TokenValidator b =
        TokenValidator.builder(serviceAt(clock))
            .ticker(time)
            .expireAfter(Duration.ofMinutes(10))
            .executor(Runnable::run)
            .changeFollower(reader)
            .build()) {
      clock.advance(LONGEST_TRANSACTION);
      assertThat(reader.catchUp()).as("warm-up").isTrue();
      IssuedToken old = create(a, ACME, PROD, null, ALICE);
      assertAccepts(b, old);

      io.accesstokens.Rotation rotation =
          Fixtures.rotate(a, ACME, old.id(), Duration.ofMinutes(1), ALICE);
      assertThat(b.validate(old.value().reveal(), Scope.EDI, ACME, PROD).id())
          .as("not yet seen: the cached answer stands, within the bound")
          .isEqualTo(old.id());
      long lookups = b.stats().storeLookups();
      assertThat(reader.catchUp()).isTrue();

      assertThat(b.validate(old.value().reveal(), Scope.EDI, ACME, PROD).id())
          .as("within the overlap, read again")
          .isEqualTo(old.id());
      assertThat(b.stats().storeLookups()).isEqualTo(lookups + 1);
      IssuedToken successor = rotation.successor();
      assertAccepts(b, successor);
      clock.advance(Duration.ofMinutes(1));
      assertThat(reader.catchUp()).isTrue();

      assertRefusedAsInvalid(b, old);
      assertAccepts(b, successor);
      assertThat(reader.stats().failures()).isZero();
    }
  }
}
