package io.accesstokens.benchmarks;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.jdbc.JdbcChangeFeed;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.testing.PropagationProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * How fast a deactivation made on one node is refused on another, per database and change-feed
 * mode: the figures {@code propagation_<db>_<mode>_p50_ms} and {@code _p99_ms} of {@code
 * summary.json}.
 *
 * <p>Two nodes share one database, each wired as a host would: a HikariCP pool of its own, a {@link
 * JdbcTokenStore}, a {@link TokenService} and a {@link TokenValidator} with a {@link
 * ChangeFollower} at the library's defaults (200 ms polls, 1 s staleness bound, 5 s longest
 * transaction). Once both followers are warm, each round creates a token, waits until node {@code
 * b} answers it from its cache, deactivates it through node {@code a} at a random moment within one
 * poll interval, and times node {@code b}'s first refusal from the moment the deactivating call
 * returned (its commit acknowledged): node {@code b} validates every 200 µs meanwhile, so a latency
 * overstates by that much at most ({@link PropagationProbe} does the measuring). A refusal later
 * than the bound, or an acceptance after it, is counted as a stale accept; there must be none.
 *
 * <p>Not a JMH benchmark: a latency distribution over rounds, not a throughput. Each target is
 * {@code <database>:<mode>}, database {@code h2}, {@code pg} or {@code mariadb} (see {@link
 * BenchDatabase}), mode {@code polling} or {@code notify} (PostgreSQL only). A database that is not
 * available is written with its reason instead of figures.
 *
 * <pre>
 * ACCESS_TOKENS_BENCH_POSTGRESQL_URL=... ACCESS_TOKENS_BENCH_MARIADB_URL=... \
 *   java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.Propagation \
 *   propagation.json 100 h2:polling pg:polling pg:notify mariadb:polling
 * </pre>
 */
public final class Propagation {
  /** The followers' poll interval: the library's default, set here so the figures can state it. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private Propagation() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: Propagation <out.json> <rounds> <database:mode>...");
    }
    Path out = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Map<String, Result> results = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] target = args[i].split(":", 2);
      BenchDatabase database = BenchDatabase.named(target[0]);
      JdbcChangeFeed.Mode mode = JdbcChangeFeed.Mode.valueOf(target[1].toUpperCase(Locale.ROOT));
      String key = database.shortName + "_" + mode.name().toLowerCase(Locale.ROOT);
      Result result = measure(database, mode, rounds);
      System.out.println(key + ": " + result);
      results.put(key, result);
    }
    Files.writeString(out, Json.write(results));
  }

  /**
   * What one database and mode gave, written as one JSON object: the figures, or only {@code
   * unavailable} with the reason (which of the two a file holds is told by its fields).
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
  @JsonSubTypes({@JsonSubTypes.Type(Measured.class), @JsonSubTypes.Type(Unavailable.class)})
  sealed interface Result permits Measured, Unavailable {}

  /** The figures: latency percentiles in milliseconds and the counts behind them. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      double p50Ms,
      double p99Ms,
      double maxMs,
      int rounds,
      int staleAccepts,
      int neverRefused,
      long boundMs,
      long pollIntervalMs,
      double writeP50Ms,
      long followerCatchUps)
      implements Result {}

  /** Why there are no figures: the database was not available, or the measurement failed. */
  record Unavailable(String unavailable) implements Result {}

  /** The figures of one database and mode, or {@code unavailable} with the reason. */
  static Result measure(BenchDatabase database, JdbcChangeFeed.Mode mode, int rounds) {
    String reason = database.unavailableReason();
    if (reason != null) {
      return new Unavailable(reason);
    }
    String prefix = BenchDatabase.randomTablePrefix();
    List<Node> nodes = new ArrayList<>();
    try {
      nodes.add(new Node("a", database, mode, prefix));
      nodes.add(new Node("b", database, mode, prefix));
      Node writer = nodes.get(0);
      Node watched = nodes.get(1);
      Duration poll = POLL_INTERVAL;
      awaitWarm(nodes, Duration.ofSeconds(60));
      // Polling: a change may commit at any phase of a poll. Woken by notifications, the phase
      // hardly
      // matters; a little jitter keeps rounds from locking onto the safety-net polls all the same.
      Duration jitter = mode == JdbcChangeFeed.Mode.POLLING ? poll : Duration.ofMillis(50);
      List<Duration> latencies = new ArrayList<>();
      List<Duration> writes = new ArrayList<>();
      int stale = 0;
      int missing = 0;
      try (PropagationProbe probe =
          PropagationProbe.builder(writer.service, watched.follower.refusalBound())
              .node(watched.name, watched.validator)
              .tokensOf(Population.ORGANIZATION, Population.ENVIRONMENT, Population.ACTOR)
              .phaseJitter(jitter)
              .build()) {
        for (int r = 0; r < rounds; r++) {
          IssuedToken token = probe.cachedToken();
          PropagationProbe.Round round = probe.deactivate(token);
          latencies.addAll(round.latencies().values());
          writes.add(round.write());
          stale += round.staleAccepts().values().stream().mapToInt(Integer::intValue).sum();
          missing += round.latencies().containsKey(watched.name) ? 0 : 1;
        }
      }
      return new Measured(
          PropagationProbe.percentileMillis(latencies, 50),
          PropagationProbe.percentileMillis(latencies, 99),
          PropagationProbe.percentileMillis(latencies, 100),
          rounds,
          stale,
          missing,
          watched.follower.refusalBound().toMillis(),
          poll.toMillis(),
          PropagationProbe.percentileMillis(writes, 50),
          watched.follower.stats().catchUps());
    } catch (RuntimeException e) {
      return new Unavailable("failed: " + e);
    } finally {
      for (Node node : nodes) {
        node.close();
      }
      if (!nodes.isEmpty()) {
        try (HikariDataSource cleanup =
            database.pool("propagation-cleanup", 1, "propagation_" + prefix)) {
          BenchDatabase.dropTables(cleanup, prefix);
        } catch (Exception e) {
          System.err.println("could not drop the tables under " + prefix + ": " + e);
        }
      }
    }
  }

  private static void awaitWarm(List<Node> nodes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!nodes.stream().allMatch(n -> n.follower.stats().cacheClears() >= 1)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the followers were not warm within " + timeout);
      }
      LockSupport.parkNanos(10_000_000); // polling a condition, not waiting for time to pass
    }
  }

  /**
   * One node: a pool, a store, a service and a validator whose follower reads the shared change
   * feed.
   */
  private static final class Node implements AutoCloseable {
    final String name;
    final HikariDataSource pool;
    final TokenService service;
    final ChangeFollower follower;
    final TokenValidator validator;

    Node(String name, BenchDatabase database, JdbcChangeFeed.Mode mode, String prefix) {
      this.name = name;
      // For H2, every node's pool reaches the same in-memory database of this JVM, by name.
      this.pool = database.pool("propagation-" + name, 4, "propagation_" + prefix);
      try {
        JdbcTokenStore store = JdbcTokenStore.builder(pool).tablePrefix(prefix).build();
        store.migrate();
        this.service =
            Population.newService(new CountingTokenStore(store), CopyPolicy.digestOnly());
        this.follower =
            ChangeFollower.builder(store.changeFeed(mode)).pollInterval(POLL_INTERVAL).build();
        this.validator = TokenValidator.builder(service).changeFollower(follower).build();
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    }

    @Override
    public void close() {
      validator.close(); // stops the follower, which closes the feed
      pool.close();
    }
  }
}
