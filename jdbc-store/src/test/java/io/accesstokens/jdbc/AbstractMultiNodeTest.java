package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.spi.ChangeRecord;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.PropagationProbe;
import io.accesstokens.testing.PropagationProbe.Effect;
import io.accesstokens.testing.PropagationProbe.Round;
import io.accesstokens.testing.SecretLeakGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promise of issue 5 on a real database: "a token deactivated or deleted on any node is refused
 * on every node within the follower's refusal bound". Two and three nodes, each with a pool, store,
 * service, validator and change follower of its own, share the database; every node validates the
 * token in a loop while another changes it, and the time from the change's commit to each node's
 * first refusal is measured and held to the bound ({@link PropagationProbe}). Also: reactivation,
 * commits out of sequence order, a stalled follower, and on PostgreSQL a killed notification
 * connection and notifications beating the poll.
 *
 * <p>The measured latencies of the default-settings runs are written to {@code
 * target/propagation/<database>_<mode>.txt} (p50, p99, max and the sample count).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractMultiNodeTest {
  private static final Logger log = LoggerFactory.getLogger(AbstractMultiNodeTest.class);

  protected abstract TestDatabase db();

  /** How the followers learn of changes. */
  protected abstract JdbcChangeFeed.Mode mode();

  /**
   * What the nodes' pools connect to; the class's database unless a subclass reaches it otherwise.
   */
  protected DataSource nodeDatabase() throws Exception {
    return db().newDataSource();
  }

  /** The longest transaction of the held-commit test's followers; see that test. */
  private static final Duration HELD_COMMIT_WAIT = Duration.ofSeconds(10);

  private final List<Duration> figures = new CopyOnWriteArrayList<>();
  private final List<Cluster> clusters = new ArrayList<>();

  private Cluster cluster(int size, Cluster.Settings settings) throws Exception {
    Cluster cluster = new Cluster(nodeDatabase(), db().prefix(), size, settings);
    clusters.add(cluster);
    return cluster.awaitWarm();
  }

  private Cluster cluster(int size) throws Exception {
    return cluster(size, Cluster.Settings.defaults(mode()));
  }

  @org.junit.jupiter.api.AfterEach
  void closeClusters() {
    clusters.forEach(Cluster::close);
    clusters.clear();
  }

  // ---- the bound, measured
  // --------------------------------------------------------------------------

  @Test
  void twoNodes_everyDeactivationReactivationAndDelete_onEitherNode_reachesTheOtherWithinTheBound()
      throws Exception {
    Cluster cluster = cluster(2);
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Cluster.Node writer = cluster.node(i % 2);
      try (PropagationProbe probe = cluster.probeFrom(writer)) {
        IssuedToken token = probe.cachedToken();
        rounds.add(probe.deactivate(token));
        rounds.add(probe.reactivate(token));
        if (i % 2 == 1) {
          rounds.add(probe.delete(probe.cachedToken()));
        }
      }
    }
    assertWithinTheBound(rounds, 1, cluster.bound());
    figures.addAll(PropagationProbe.latencies(rounds));
  }

  @Test
  void threeNodes_everyChange_onAnyNode_reachesBothOthersWithinTheBound() throws Exception {
    Cluster cluster = cluster(3);
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Cluster.Node writer = cluster.node(i % 3);
      try (PropagationProbe probe = cluster.probeFrom(writer)) {
        IssuedToken token = probe.cachedToken();
        rounds.add(probe.deactivate(token));
        rounds.add(i % 3 == 2 ? probe.delete(token) : probe.reactivate(token));
      }
    }
    assertWithinTheBound(rounds, 2, cluster.bound());
    figures.addAll(PropagationProbe.latencies(rounds));
    for (Cluster.Node node : cluster.nodes()) {
      assertThat(node.follower().stats().failures())
          .as("failed catch-ups on %s", node.name())
          .isZero();
      assertThat(node.follower().stats().gapsGivenUp())
          .as("gaps given up on %s", node.name())
          .isZero();
    }
  }

  // ---- commits out of sequence order
  // ----------------------------------------------------------------

  /**
   * Node a's transaction takes its sequence number and waits at its commit; node b's takes the next
   * number and commits first. Every node refuses b's token within the bound while a's is still open
   * (and keeps accepting a's token, whose change has not committed); then a commits, below what the
   * followers already read, and every node refuses a's token within the bound of that commit.
   */
  @Test
  void aLowerSequenceCommittingAfterAHigherOne_isRefusedEverywhereWithinTheBoundOfItsCommit()
      throws Exception {
    // a's commit is held while b's change is measured on every node. The followers wait for a
    // missing sequence only as long as the longest transaction, so the hold must stay shorter than
    // that: with the clusters' usual 2 s it did not on a loaded machine (load average 20), the gap
    // was given up, a's commit was never read, and b and c kept accepting a's token. 10 s keeps
    // the premise on a busy machine, and the check before the release says it if it ever fails.
    Cluster.Settings usual = Cluster.Settings.defaults(mode());
    Cluster cluster =
        cluster(
            3,
            new Cluster.Settings(
                usual.mode(), usual.pollInterval(), usual.stalenessBound(), HELD_COMMIT_WAIT));
    Cluster.Node a = cluster.node(0);
    Cluster.Node b = cluster.node(1);
    Cluster.Node c = cluster.node(2);
    long before = a.jdbcFeed().head();
    try (PropagationProbe all = cluster.probe(a, cluster.nodes());
        PropagationProbe fromB = cluster.probe(b, List.of(a, c));
        PropagationProbe watchingB = cluster.probe(b, List.of(b, c))) {
      IssuedToken early = all.cachedToken();
      IssuedToken late = all.cachedToken();
      CommitGate.Held commit = a.gate().holdNextCommit();
      CompletableFuture<?> slow =
          CompletableFuture.runAsync(
              () -> a.service().deactivate(Fixtures.ACME, early.id(), Fixtures.ALICE));
      commit.awaitReached(Duration.ofSeconds(10));

      Round higherFirst = fromB.deactivate(late);
      assertWithinTheBound(List.of(higherFirst), 2, cluster.bound());
      assertThat(accepts(b, early))
          .as("a's change is not committed: b still accepts its token")
          .isTrue();
      assertThat(accepts(c, early))
          .as("a's change is not committed: c still accepts its token")
          .isTrue();

      for (Cluster.Node node : List.of(b, c)) {
        assertThat(node.follower().stats().gapsGivenUp())
            .as(
                "%s gave up waiting for a's sequence: a's commit was held longer than the longest"
                    + " transaction (%s), which this test's premise forbids",
                node.name(), HELD_COMMIT_WAIT)
            .isZero();
      }
      Round lowerLast =
          watchingB.measure(
              "deactivate, committed last",
              early,
              Effect.REFUSED,
              () -> {
                commit.release();
                slow.join();
              });
      assertWithinTheBound(List.of(lowerLast), 2, cluster.bound());
    }
    List<ChangeRecord> changes =
        a.jdbcFeed().changesAfter(before, 100).stream()
            .filter(change -> change.type() != TokenEventType.CREATED) // the two tokens' creations
            .toList();
    assertThat(changes).as("the change committed last holds the lower number").hasSize(2);
    assertThat(changes.get(0).sequence()).isLessThan(changes.get(1).sequence());
    for (Cluster.Node node : cluster.nodes()) {
      Await.until(
          Duration.ofSeconds(10),
          node.name() + " past both changes",
          () -> node.follower().stats().watermark() >= changes.get(1).sequence());
      assertThat(node.follower().stats().gapsGivenUp())
          .as("gaps given up on %s", node.name())
          .isZero();
    }
  }

  // ---- a stalled follower
  // ---------------------------------------------------------------------------

  /**
   * Node b's follower hangs in a read of the change log. Its cache stops being trusted the bound
   * after its last catch-up began, so b answers from the store (refusing the deactivated token
   * within the bound, never accepting it from the cache); once the read returns, b trusts its cache
   * again.
   */
  @Test
  void aStalledFollower_makesItsNodeAskTheStore_neverAcceptAStaleAnswer_andRecovers()
      throws Exception {
    Cluster cluster = cluster(2);
    Cluster.Node a = cluster.node(0);
    Cluster.Node b = cluster.node(1);
    try (PropagationProbe probe = cluster.probe(a, List.of(b))) {
      IssuedToken token = probe.cachedToken();
      IssuedToken untouched = probe.cachedToken();
      b.feed().pause();
      b.feed().awaitStuck(Duration.ofSeconds(10));
      long lookups = b.validator().stats().storeLookups();

      Round stalled = probe.deactivate(token);

      assertWithinTheBound(List.of(stalled), 1, cluster.bound());
      assertThat(b.validator().stats().storeLookups())
          .as("b asked the store")
          .isGreaterThan(lookups);
      Round stillValid = probe.measure("nothing changed", untouched, Effect.ACCEPTED, () -> {});
      assertThat(stillValid.latencies())
          .as("an active token stays accepted, from the store")
          .hasSize(1);

      b.feed().resume();
      IssuedToken later = probe.cachedToken(); // b answers from its cache again
      Round recovered = probe.deactivate(later);
      assertWithinTheBound(List.of(recovered), 1, cluster.bound());
    }
  }

  // ---- PostgreSQL notifications
  // -----------------------------------------------------------------------

  /**
   * Polls every 3 s, but notifications wake the followers at each commit: every node refuses within
   * a second, which only a notification can explain.
   */
  @Test
  void notifications_wakeTheFollowers_longBeforeTheirNextPoll() throws Exception {
    assumeNotify();
    Cluster cluster =
        cluster(
            3,
            new Cluster.Settings(
                JdbcChangeFeed.Mode.NOTIFY,
                Duration.ofSeconds(3),
                Duration.ofSeconds(6),
                Duration.ofSeconds(2)));
    List<Round> rounds = new ArrayList<>();
    try (PropagationProbe probe = cluster.probeFrom(cluster.node(0))) {
      for (int i = 0; i < 4; i++) {
        rounds.add(probe.deactivate(probe.cachedToken()));
      }
    }
    assertWithinTheBound(rounds, 2, Duration.ofSeconds(1));
    for (Cluster.Node node : cluster.nodes().subList(1, 3)) {
      assertThat(node.jdbcFeed().stats().notifications())
          .as("notifications on %s", node.name())
          .isGreaterThanOrEqualTo(4);
    }
  }

  /**
   * Every node's listening session is killed by the server. Polling carries on (the next change is
   * refused everywhere within the bound), the loss is logged, each feed listens again on a new
   * connection, and notifications wake the followers as before.
   */
  @Test
  void killedNotificationConnections_areLoggedAndReplaced_whilePollingKeepsTheBound()
      throws Exception {
    assumeNotify();
    Cluster cluster = cluster(3);
    int mark = CapturingAppender.mark();
    List<Round> rounds = new ArrayList<>();
    try (PropagationProbe probe = cluster.probeFrom(cluster.node(0))) {
      IssuedToken token = probe.cachedToken();
      assertThat(AbstractJdbcChangeFeedTest.terminateListeners(db().dataSource(), db().prefix()))
          .as("one listening session per node")
          .isEqualTo(3);
      rounds.add(probe.deactivate(token));

      for (Cluster.Node node : cluster.nodes()) {
        Await.until(
            Duration.ofSeconds(30),
            node.name() + " listening again",
            () -> {
              JdbcChangeFeed.Stats stats = node.jdbcFeed().stats();
              return stats.losses() >= 1 && stats.connects() >= 2 && stats.listening();
            });
      }
      long notified = cluster.node(1).jdbcFeed().stats().notifications();
      for (int i = 0; i < 3; i++) {
        rounds.add(probe.deactivate(probe.cachedToken()));
      }
      assertThat(cluster.node(1).jdbcFeed().stats().notifications())
          .as("notifications after the reconnect")
          .isGreaterThanOrEqualTo(notified + 3);
    }
    assertWithinTheBound(rounds, 2, cluster.bound());
    assertThat(
            CapturingAppender.lines().stream()
                .skip(mark)
                .filter(
                    line ->
                        line.startsWith("WARN io.accesstokens.jdbc.internal.PgChangeListener: "))
                .filter(line -> line.contains("Lost the change notification connection")))
        .as("each loss logged")
        .hasSizeGreaterThanOrEqualTo(3);
  }

  private static boolean accepts(Cluster.Node node, IssuedToken token) {
    try {
      node.validator().validate(token.value().reveal(), Scope.EDI, Fixtures.ACME, Fixtures.PROD);
      return true;
    } catch (ConnectionOpenException e) {
      return false;
    }
  }

  private void assumeNotify() {
    assumeThat(mode())
        .as("LISTEN/NOTIFY runs in NOTIFY mode, on PostgreSQL")
        .isEqualTo(JdbcChangeFeed.Mode.NOTIFY);
  }

  // ---- checks and figures
  // ---------------------------------------------------------------------------

  private static void assertWithinTheBound(List<Round> rounds, int watched, Duration bound) {
    for (Round round : rounds) {
      assertThat(round.staleAccepts().values())
          .as("stale accepts in %s", round)
          .allMatch(n -> n == 0);
      assertThat(round.latencies()).as("every node showed the change: %s", round).hasSize(watched);
      assertThat(round.slowest()).as("slowest node of %s", round).isLessThanOrEqualTo(bound);
    }
  }

  @AfterAll
  void writeFigures() throws IOException {
    if (figures.isEmpty()) {
      return;
    }
    String name =
        db().kind().name().toLowerCase(Locale.ROOT) + "_" + mode().name().toLowerCase(Locale.ROOT);
    String summary =
        String.format(
            Locale.ROOT,
            "propagation_%s_p50_ms=%.1f%npropagation_%s_p99_ms=%.1f%npropagation_%s_max_ms=%.1f%npropagation_%s_samples=%d%n",
            name,
            PropagationProbe.percentileMillis(figures, 50),
            name,
            PropagationProbe.percentileMillis(figures, 99),
            name,
            PropagationProbe.percentileMillis(figures, 100),
            name,
            figures.size());
    Path dir = Path.of("target", "propagation");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".txt"), summary);
    log.info(
        "Propagation from commit to first refusal or acceptance on another node, {}:\n{}",
        name,
        summary);
  }
}
