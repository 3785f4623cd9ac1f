package io.accesstokens.testing;

import static io.accesstokens.testing.AbstractChangeFollowerTest.BOUND;
import static io.accesstokens.testing.AbstractChangeFollowerTest.LONGEST_TRANSACTION;
import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.IssuedToken;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenStatus;
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
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The cross-node refusal bound of {@link AbstractChangeFollowerTest} on a thousand random timelines
 * (jqwik): node A changes tokens in the shared store and commits the change records in any order,
 * or lets their transactions time out; node B catches up, loses its feed and validates, with a fake
 * ticker. The timelines prove the follower over a scripted feed, not the store, so one store runs
 * them (the memory store's test class); on a database each try is only slower.
 */
// Tagged so that a slow run (the mutation profile) can leave the random models out.
@Tag("model")
public abstract class AbstractChangeFollowerTimelinesTest {

  /** A new, empty store, shared by both nodes; called once per timeline. */
  protected abstract TokenStore createStore();

  @BeforeContainer
  static void startTheLeakGuardsCapture() {
    SecretLeakGuard.startCapture();
  }

  /** jqwik runs no Jupiter extensions: the guard's whole-run scan, once the timelines are done. */
  @AfterContainer
  static void scanEveryLineOfTheRunAfterTheTimelines() {
    SecretLeakGuard.assertNoLeakInTheWholeRun("the change follower's timelines");
  }

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
    TwoNodes node = new TwoNodes(store, feed);
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
      TwoNodes node,
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
