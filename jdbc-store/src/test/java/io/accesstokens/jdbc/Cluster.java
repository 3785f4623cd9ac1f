package io.accesstokens.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.testing.PropagationProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Nodes sharing one database, each as a host would wire it: a connection pool of its own
 * (HikariCP), a {@link JdbcTokenStore}, a {@link TokenService}, and a {@link TokenValidator} whose
 * {@link ChangeFollower} reads the store's change feed on a thread of its own. Each node's pool
 * sits behind a {@link CommitGate} and its feed behind a {@link PausableChangeFeed}, so a test can
 * hold a commit or stall a follower.
 */
final class Cluster implements AutoCloseable {
  /**
   * The follower's settings a cluster is built with; the defaults are the library's but for the
   * warm-up.
   */
  record Settings(
      JdbcChangeFeed.Mode mode,
      Duration pollInterval,
      Duration stalenessBound,
      Duration longestTransaction) {
    /**
     * The library's defaults (200 ms polls, a 1 s bound), except a 2 s longest transaction, so a
     * node trusts its cache after 2 s instead of 5; the stores' change-log timeout is 1 s to match.
     */
    static Settings defaults(JdbcChangeFeed.Mode mode) {
      return new Settings(
          mode, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  record Node(
      String name,
      HikariDataSource pool,
      CommitGate gate,
      JdbcTokenStore store,
      TokenService service,
      JdbcChangeFeed jdbcFeed,
      PausableChangeFeed feed,
      ChangeFollower follower,
      TokenValidator validator) {}

  private final List<Node> nodes = new ArrayList<>();
  private final Settings settings;

  /**
   * Starts {@code size} nodes on the tables under {@code prefix}, reached through {@code database}.
   */
  Cluster(DataSource database, String prefix, int size, Settings settings) {
    this.settings = settings;
    try {
      for (int i = 0; i < size; i++) {
        String name = String.valueOf((char) ('a' + i));
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setPoolName(prefix + "node-" + name);
        config.setMaximumPoolSize(5);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        HikariDataSource pool = new HikariDataSource(config);
        CommitGate gate = new CommitGate(pool);
        JdbcTokenStore store =
            JdbcTokenStore.builder(gate)
                .tablePrefix(prefix)
                .changeLogTimeout(Duration.ofSeconds(1))
                .build();
        TokenService service = Nodes.service(store, CopyPolicy.digestOnly());
        JdbcChangeFeed jdbcFeed = store.changeFeed(settings.mode());
        PausableChangeFeed feed = new PausableChangeFeed(jdbcFeed);
        ChangeFollower follower =
            ChangeFollower.builder(feed)
                .pollInterval(settings.pollInterval())
                .stalenessBound(settings.stalenessBound())
                .longestTransaction(settings.longestTransaction())
                .threadFactory(r -> new Thread(r, "follower-" + prefix + name))
                .build();
        TokenValidator validator = TokenValidator.builder(service).changeFollower(follower).build();
        nodes.add(new Node(name, pool, gate, store, service, jdbcFeed, feed, follower, validator));
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  Node node(int i) {
    return nodes.get(i);
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  Duration bound() {
    return settings.stalenessBound();
  }

  /**
   * Waits until every follower has passed its warm-up (and so trusts its cache while it keeps up).
   */
  Cluster awaitWarm() {
    Await.until(
        settings.longestTransaction().plus(settings.pollInterval().multipliedBy(3)).plusSeconds(20),
        "every follower warm",
        () -> nodes.stream().allMatch(n -> n.follower().stats().cacheClears() >= 1));
    return this;
  }

  /** A probe whose changes go through {@code writer} and which watches every other node. */
  PropagationProbe probeFrom(Node writer) {
    return probe(writer, nodes.stream().filter(n -> n != writer).toList());
  }

  /**
   * A probe whose changes go through {@code writer} and which watches {@code watched}. When
   * polling, each write falls at a random phase of the followers' polls; woken by notifications,
   * the phase hardly matters, so a little jitter does.
   */
  PropagationProbe probe(Node writer, List<Node> watched) {
    Duration jitter =
        settings.mode() == JdbcChangeFeed.Mode.POLLING
            ? settings.pollInterval()
            : Duration.ofMillis(Math.min(50, settings.pollInterval().toMillis()));
    PropagationProbe.Builder probe =
        PropagationProbe.builder(writer.service(), bound()).phaseJitter(jitter);
    watched.forEach(n -> probe.node(n.name(), n.validator()));
    return probe.build();
  }

  @Override
  public void close() {
    for (Node node : nodes) {
      node.feed().resume();
      node.validator().close(); // stops the follower, which closes the feed
      node.pool().close();
    }
  }
}
