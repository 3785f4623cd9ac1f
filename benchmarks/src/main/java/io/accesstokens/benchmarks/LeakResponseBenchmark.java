package io.accesstokens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.CopyPolicy;
import io.accesstokens.LeakOutcome;
import io.accesstokens.LeakResponse;
import io.accesstokens.TokenService;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.jdbc.JdbcTokenStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The leak response on a real database, single shots: {@code revokeLeaked} of 1,000 random
 * well-formed values (the cost of a batch a caller can send: 1,000 digest lookups), and {@code
 * deactivateAll} of an organization of {@code keys} active tokens (in batches of 500 read by one
 * page query, each token its own short update). The tear-down prints the store calls and the
 * longest single update (its transaction: the longest any row lock is held). {@code keys} tokens
 * are created through the service in setup (four threads), in tables of the trial's own.
 *
 * <pre>
 * ACCESS_TOKENS_BENCH_POSTGRESQL_URL='jdbc:postgresql://127.0.0.1:5432/bench?user=postgres' \
 *   java -jar benchmarks/target/benchmarks.jar 'LeakResponseBenchmark' -p database=postgresql -to 60min
 * </pre>
 *
 * <p>{@code -to}: JMH's default 10-minute timeout interrupts a long single shot (the shot still
 * finishes: the store does not give up on an interrupt between calls). Figures: {@code
 * benchmarks/results/leak-response/README.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LeakResponseBenchmark {
  @Param({"postgresql"})
  public String database;

  /** Tokens in the organization (the smoke test sets 1,000). */
  @Param({"100000"})
  public int keys;

  private HikariDataSource pool;
  private String prefix;
  private CountingTokenStore store;
  private TokenService service;
  private LeakResponse leaks;
  private long callsBefore;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    BenchDatabase db = BenchDatabase.named(database);
    prefix = BenchDatabase.randomTablePrefix();
    pool = db.pool("bench-leak-" + database, 8, "leak_" + prefix);
    JdbcTokenStore jdbc = JdbcTokenStore.builder(pool).tablePrefix(prefix).build();
    jdbc.migrate();
    store = new CountingTokenStore(jdbc);
    service = Population.newService(store, CopyPolicy.digestOnly());
    leaks = LeakResponse.builder(service).build();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int share = keys / 4 + (t < keys % 4 ? 1 : 0);
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < share; i++) {
                    service.create(
                        Population.ORGANIZATION, Population.ENVIRONMENT, null, Population.ACTOR);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
    callsBefore = store.calls();
  }

  /** 1,000 random well-formed values: every one NOT_FOUND, 1,000 digest lookups. */
  @Benchmark
  @Warmup(iterations = 5)
  @Measurement(iterations = 20)
  public List<LeakOutcome> revokeLeaked1000Random() {
    List<String> values = new ArrayList<>(LeakResponse.MAX_VALUES);
    for (int i = 0; i < LeakResponse.MAX_VALUES; i++) {
      values.add(TokenMint.newValue(TokenMint.newId()));
    }
    List<LeakOutcome> outcomes = leaks.revokeLeaked(values, "benchmark", Population.ACTOR);
    AbstractValidatorBenchmark.check(
        outcomes.stream().allMatch(o -> o == LeakOutcome.NOT_FOUND), "random values are unknown");
    return outcomes;
  }

  /** Every active token of the organization, once: the first shot does the work. */
  @Benchmark
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public long deactivateAll() {
    long count = service.deactivateAll(Population.ORGANIZATION, null, Population.ACTOR, false);
    AbstractValidatorBenchmark.check(count == keys, "every token deactivated, but " + count);
    return count;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      System.out.printf(
          "%nstore calls %d (findByDigest %d), longest update %.1f ms%n",
          store.calls() - callsBefore, store.findByDigestCalls(), store.longestUpdateNanos() / 1e6);
      BenchDatabase.dropTables(pool, prefix);
    } finally {
      pool.close();
    }
  }
}
