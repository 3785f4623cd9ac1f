package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cross-node refusal bound, proven with a fake ticker and a feed the test controls: node A
 * changes tokens in the shared store and commits the change records in any order; node B's
 * validator follows the feed. Time never passes except by {@link FakeTicker#advance}.
 */
public abstract class AbstractChangeFollowerTest {
  static final Duration BOUND = Duration.ofSeconds(1);
  static final Duration LONGEST_TRANSACTION = Duration.ofSeconds(2);

  /** A new, empty store, shared by both nodes. */
  protected abstract TokenStore createStore();

  private FakeTicker ticker;
  private ScriptedChangeFeed feed;
  private TokenService nodeA;
  private ChangeFollower follower;
  private TokenValidator nodeB;

  @BeforeEach
  void setUpNodes() {
    Node node = new Node(createStore());
    ticker = node.ticker;
    feed = node.feed;
    nodeA = node.a;
    follower = node.follower;
    nodeB = node.b;
  }

  @AfterEach
  void closeNodes() {
    nodeB.close();
  }

  /** Two nodes on one store; B follows a scripted feed and is driven by the test. */
  private static final class Node {
    final FakeTicker ticker = new FakeTicker();
    final ScriptedChangeFeed feed;
    final TokenService a;
    final ChangeFollower follower;
    final TokenValidator b;

    Node(TokenStore store) {
      this(store, new ScriptedChangeFeed());
    }

    /** B starts following {@code feed} now, at its head: numbers allocated before stay below it. */
    Node(TokenStore store, ScriptedChangeFeed feed) {
      this.feed = feed;
      a = service(store);
      follower =
          ChangeFollower.builder(feed)
              .stalenessBound(BOUND)
              .longestTransaction(LONGEST_TRANSACTION)
              .ticker(ticker)
              .drivenByCaller()
              .build();
      b =
          TokenValidator.builder(service(store))
              .ticker(ticker)
              .expireAfter(Duration.ofMinutes(10))
              .executor(Runnable::run)
              .changeFollower(follower)
              .build();
    }

    static TokenService service(TokenStore store) {
      return TokenService.builder(store)
          .entitlements(new Fixtures.SwitchableEntitlements())
          .environments(Fixtures.environments())
          .copyPolicy(CopyPolicy.ephemeral())
          .build();
    }

    boolean accepts(IssuedToken token) {
      try {
        b.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
        return true;
      } catch (ConnectionOpenException e) {
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
        return false;
      }
    }

    void warmUp() {
      ticker.advance(LONGEST_TRANSACTION);
      assertThat(follower.catchUp()).isTrue();
    }
  }

  private boolean accepts(IssuedToken token) {
    try {
      nodeB.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
      return true;
    } catch (ConnectionOpenException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
      return false;
    }
  }

  private void warmUp() {
    ticker.advance(LONGEST_TRANSACTION);
    assertThat(follower.catchUp()).isTrue();
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
    assertThat(follower.catchUp()).isFalse();
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
    follower.catchUp();
    assertThat(follower.stats().watermark()).isEqualTo(rolledBack + 1);
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
    feed.pruneThrough(feed.head());

    follower.catchUp();

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
        TokenValidator.builder(Node.service(createStore())).changeFollower(polling).build();
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
    assertThatThrownBy(
            () ->
                TokenValidator.builder(nodeA).freshnessLease(now -> true).changeFollower(follower))
        .hasMessage("freshness lease already set");
  }

  private void deactivateStoreOnly(IssuedToken token) {
    nodeA.deactivate(ACME, token.id(), ALICE);
  }

  // ---- the bound, on any timeline
  // ------------------------------------------------------------------

  /** Runs one timeline, as the property does; for regression tests of a shrunk counterexample. */
  protected final void replayTimeline(List<Step> steps) {
    theRefusalBound_holdsOnAnyTimeline(true, List.of(), steps);
  }

  public sealed interface Step
      permits Advance, Begin, OutOfOrder, Commit, CatchUp, FeedDown, Validate {}

  public record Advance(int millis) implements Step {}

  public record Begin(int token, TokenStatus status) implements Step {}

  /** Two transactions take numbers; the later commits at once and the earlier stays open. */
  public record OutOfOrder(int first, TokenStatus firstStatus, int second, TokenStatus secondStatus)
      implements Step {}

  public record Commit(int pending) implements Step {}

  public record CatchUp() implements Step {}

  public record FeedDown(boolean down) implements Step {}

  public record Validate(int token) implements Step {}

  @Provide
  Arbitrary<List<Step>> timelines() {
    Arbitrary<Integer> token = Arbitraries.integers().between(0, 3);
    Arbitrary<Step> step =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0, 450).map(Advance::new)),
            Tuple.of(
                3, Combinators.combine(token, Arbitraries.of(TokenStatus.class)).as(Begin::new)),
            Tuple.of(
                2,
                Combinators.combine(
                        token,
                        Arbitraries.of(TokenStatus.class),
                        token,
                        Arbitraries.of(TokenStatus.class))
                    .as(OutOfOrder::new)),
            Tuple.of(3, Arbitraries.integers().between(0, 3).map(Commit::new)),
            Tuple.of(6, Arbitraries.just(new CatchUp())),
            Tuple.of(2, Arbitraries.of(true, false).map(FeedDown::new)),
            Tuple.of(5, token.map(Validate::new)));
    return step.list().ofMinSize(5).ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<Begin>> beforeStart() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3), Arbitraries.of(TokenStatus.class))
        .as(Begin::new)
        .list()
        .ofMaxSize(3);
  }

  /**
   * On any interleaving of time passing, transactions taking sequence numbers and committing out of
   * order (or timing out), catch-ups, feed outages and validations on node B: once a token's last
   * change committed at least the bound ago, node B answers as the store does.
   */
  @Property(tries = 1000)
  void theRefusalBound_holdsOnAnyTimeline(
      @ForAll boolean startWarm,
      @ForAll("beforeStart") List<Begin> beforeStart,
      @ForAll("timelines") List<Step> steps) {
    // Transactions may have taken their numbers before node B starts following.
    ScriptedChangeFeed feed = new ScriptedChangeFeed();
    TokenStore store = createStore();
    List<Pending> pending = new ArrayList<>();
    for (Begin b : beforeStart) {
      pending.add(new Pending(feed.allocate(), b.token(), b.status(), Long.MIN_VALUE));
    }
    Node node = new Node(store, feed);
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i); // they took their numbers just now, as far as the timeout goes
      pending.set(i, new Pending(p.sequence(), p.token(), p.status(), node.ticker.read()));
    }
    try {
      List<IssuedToken> tokens = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tokens.add(create(node.a, ACME, PROD, null, ALICE));
      }
      Map<Integer, Long> lastCommitAt = new HashMap<>();
      Map<Integer, TokenStatus> truth = new HashMap<>();
      for (int i = 0; i < 4; i++) {
        truth.put(i, TokenStatus.ACTIVE);
      }
      if (startWarm) {
        // Half the timelines start past the warm-up (transactions begun before it time out), so the
        // trusted cache is exercised for the whole timeline.
        node.warmUp();
      }
      for (Step step : steps) {
        long now = node.ticker.read();
        if (step instanceof Advance a) {
          node.ticker.advance(Duration.ofMillis(a.millis()));
        } else if (step instanceof Begin b) {
          pending.add(new Pending(node.feed.allocate(), b.token(), b.status(), now));
        } else if (step instanceof OutOfOrder o) {
          pending.add(0, new Pending(node.feed.allocate(), o.first(), o.firstStatus(), now));
          Pending second = new Pending(node.feed.allocate(), o.second(), o.secondStatus(), now);
          commit(node, tokens, second, now, lastCommitAt, truth);
        } else if (step instanceof Commit c && !pending.isEmpty()) {
          commit(
              node, tokens, pending.remove(c.pending() % pending.size()), now, lastCommitAt, truth);
        } else if (step instanceof CatchUp) {
          node.follower.catchUp();
        } else if (step instanceof FeedDown f) {
          node.feed.down(f.down());
        } else if (step instanceof Validate v) {
          node.accepts(tokens.get(v.token()));
        }
        long at = node.ticker.read();
        for (int i = 0; i < tokens.size(); i++) {
          Long committed = lastCommitAt.get(i);
          if (committed == null || at - committed >= BOUND.toNanos()) {
            assertThat(node.accepts(tokens.get(i)))
                .as(
                    "token %d, last change %s ns ago, after %s",
                    i, committed == null ? "never" : at - committed, step)
                .isEqualTo(truth.get(i) == TokenStatus.ACTIVE);
          }
        }
      }
    } finally {
      node.b.close();
    }
  }

  private record Pending(long sequence, int token, TokenStatus status, long allocatedAt) {}

  /** Commits a transaction unless the store's statement timeout has rolled it back already. */
  private static void commit(
      Node node,
      List<IssuedToken> tokens,
      Pending p,
      long now,
      Map<Integer, Long> lastCommitAt,
      Map<Integer, TokenStatus> truth) {
    if (now - p.allocatedAt() >= LONGEST_TRANSACTION.toNanos()) {
      return;
    }
    IssuedToken t = tokens.get(p.token());
    node.a.setStatus(ACME, t.id(), p.status(), ALICE);
    node.feed.commit(p.sequence(), t.id(), TokenEventType.STATUS_CHANGED);
    lastCommitAt.put(p.token(), now);
    truth.put(p.token(), p.status());
  }
}
