package io.accesstokens.benchmarks;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.ChangeFollower;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.ChangeFeed;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.spi.TokenFilter;
import io.accesstokens.spi.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A storm of forged values (issue 13): attacker threads validate distinct, well-formed values whose
 * ids were never issued, while legitimate clients validate real tokens that are not cached. Each
 * scenario runs a no-attack phase and an attack phase in the same JVM, on the same node, and
 * reports ratios and counts, not absolute figures:
 *
 * <ul>
 *   <li>{@code pg_64}: PostgreSQL (the database named by {@value BenchDatabase#POSTGRESQL_URL}),
 *       one node wired at the library's defaults with a change follower (notifications), 1,000
 *       tokens; one legitimate thread validates a random token after evicting it (every validation
 *       a store lookup), 64 attacker threads. Figures: the legitimate p99 latency with the attack
 *       over without ({@code storm_pg_64_legit_p99_ratio}), and the store lookups a second the
 *       attack caused ({@code storm_forged_store_queries_per_s}: digest lookups beyond the
 *       legitimate ones).
 *   <li>{@code slow_1024}: a memory store whose lookups take 20-50 ms (a loaded database), the same
 *       wiring, 8 legitimate threads, 1,024 attacker threads. Figure: legitimate validations that
 *       failed closed ({@code storm_slow_store_1024_fail_closed}).
 *   <li>{@code slow_known_1024}: the same store and threads, but the attackers know the ids of
 *       {@value #EXPOSED} of the tokens (the page shows ids) and send them with fresh wrong
 *       secrets, which no set of ids can refuse; the legitimate threads validate the other tokens.
 *       Figure: legitimate validations that failed closed ({@code
 *       storm_slow_store_known_ids_1024_fail_closed}), which the validator's contested lane keeps
 *       at 0.
 * </ul>
 *
 * <p>Each scenario also runs its attack phase once with {@link
 * TokenValidator.Builder#issuedIdSet(boolean) issuedIdSet(false)} (every miss asks the store, as
 * before issue 13), reported beside it as {@code without_set_*}: the before of the before/after.
 *
 * <p>Not a JMH benchmark: latency distributions and counts over phases of fixed length.
 *
 * <pre>
 * ACCESS_TOKENS_BENCH_POSTGRESQL_URL=... \
 *   java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.Storm storm.json 10 [scenario...]
 * </pre>
 *
 * <p>With scenario names after the seconds, only those run.
 */
public final class Storm {
  static final int PG_ATTACKERS = 64;
  static final int SLOW_ATTACKERS = 1024;
  static final int SLOW_LEGIT_THREADS = 8;
  static final int TOKENS = 1000;

  /**
   * Tokens whose ids the attackers know in {@code slow_known_*}; legitimate threads use the rest.
   */
  static final int EXPOSED = 100;

  /** What the attacker threads send. */
  enum Attack {
    /** Well-formed values whose ids were never issued. */
    FORGED,
    /** Real ids of {@link #EXPOSED} tokens with fresh wrong secrets. */
    KNOWN_IDS
  }

  private Storm() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: Storm <out.json> <seconds per phase>");
    }
    Path out = Path.of(args[0]);
    Duration phase = Duration.ofSeconds(Long.parseLong(args[1]));
    List<String> only = Arrays.asList(args).subList(2, args.length);
    Map<String, Supplier<Result>> scenarios = new LinkedHashMap<>();
    scenarios.put("pg_" + PG_ATTACKERS, () -> pg(phase, PG_ATTACKERS));
    scenarios.put(
        "slow_" + SLOW_ATTACKERS,
        () -> slowStore(phase, SLOW_ATTACKERS, SLOW_LEGIT_THREADS, Attack.FORGED));
    scenarios.put(
        "slow_known_" + SLOW_ATTACKERS,
        () -> slowStore(phase, SLOW_ATTACKERS, SLOW_LEGIT_THREADS, Attack.KNOWN_IDS));
    Map<String, Result> results = new LinkedHashMap<>();
    for (Map.Entry<String, Supplier<Result>> scenario : scenarios.entrySet()) {
      if (only.isEmpty() || only.contains(scenario.getKey())) {
        Result result = scenario.getValue().get();
        System.out.println(scenario.getKey() + ": " + result);
        results.put(scenario.getKey(), result);
      }
    }
    Files.writeString(out, Json.write(results));
  }

  /** One scenario's figures, or why there are none. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
  @JsonSubTypes({@JsonSubTypes.Type(Measured.class), @JsonSubTypes.Type(Unavailable.class)})
  sealed interface Result permits Measured, Unavailable {}

  /**
   * @param legitP99Ratio legitimate p99 with the attack over without
   * @param forgedStoreQueriesPerS digest lookups a second beyond the legitimate validations' own
   * @param legitFailClosed legitimate validations refused with STORE_UNAVAILABLE under attack
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      int attackers,
      int legitThreads,
      double phaseS,
      double legitP50UsQuiet,
      double legitP99UsQuiet,
      double legitP50UsAttack,
      double legitP99UsAttack,
      double legitP99Ratio,
      long legitValidationsAttack,
      long legitFailClosed,
      long forgedValidations,
      double forgedStoreQueriesPerS,
      double withoutSetLegitP99UsAttack,
      double withoutSetLegitP99Ratio,
      long withoutSetLegitFailClosed,
      double withoutSetForgedStoreQueriesPerS,
      long withoutSetForgedValidations,
      String machineLoad)
      implements Result {}

  record Unavailable(String unavailable) implements Result {}

  /** The PostgreSQL scenario, or why it could not run. */
  static Result pg(Duration phase, int attackers) {
    BenchDatabase database = BenchDatabase.POSTGRESQL;
    String reason = database.unavailableReason();
    if (reason != null) {
      return new Unavailable(reason);
    }
    String prefix = BenchDatabase.randomTablePrefix();
    try (HikariDataSource pool = database.pool("storm", 24, "storm_" + prefix)) {
      try {
        JdbcTokenStore store = JdbcTokenStore.builder(pool).tablePrefix(prefix).build();
        store.migrate();
        return scenario(store, store::changeFeed, phase, attackers, 1, Attack.FORGED);
      } finally {
        BenchDatabase.dropTables(pool, prefix);
      }
    } catch (RuntimeException | java.sql.SQLException e) {
      return new Unavailable("failed: " + e);
    }
  }

  /** The slow-store scenario: lookups take 20-50 ms. */
  static Result slowStore(Duration phase, int attackers, int legitThreads, Attack attack) {
    MemoryTokenStore memory = new MemoryTokenStore();
    return scenario(new SlowLookups(memory), () -> memory, phase, attackers, legitThreads, attack);
  }

  private static Result scenario(
      TokenStore store,
      Supplier<ChangeFeed> feeds,
      Duration phase,
      int attackers,
      int legitThreads,
      Attack attack) {
    CountingTokenStore counted = new CountingTokenStore(store);
    TokenService service = Population.newService(counted, CopyPolicy.digestOnly());
    String[] values = new String[TOKENS];
    TokenId[] ids = new TokenId[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      var issued =
          service.create(Population.ORGANIZATION, Population.ENVIRONMENT, null, Population.ACTOR);
      values[i] = issued.value().reveal();
      ids[i] = issued.id();
    }
    String loadStart = loadAverage();
    // The same workload twice, with the validator's issued-id set and without, each on a new feed:
    // once the validator is warm, a quiet phase and then one under attack.
    Function<Boolean, Phases> withIssuedIdSet =
        issuedIdSet -> {
          ChangeFollower follower = ChangeFollower.builder(feeds.get()).build();
          try (TokenValidator validator =
              TokenValidator.builder(service)
                  .changeFollower(follower)
                  .issuedIdSet(issuedIdSet)
                  .build()) {
            awaitWarm(follower, validator, issuedIdSet, Duration.ofSeconds(60));
            Phase quiet = run(counted, validator, values, ids, phase, 0, legitThreads, attack);
            Phase attacked =
                run(counted, validator, values, ids, phase, attackers, legitThreads, attack);
            return new Phases(quiet, attacked);
          }
        };
    Phases with = withIssuedIdSet.apply(true);
    Phases without = withIssuedIdSet.apply(false);
    return new Measured(
        attackers,
        legitThreads,
        phase.toMillis() / 1000.0,
        with.quiet.p50Us(),
        with.quiet.p99Us(),
        with.attack.p50Us(),
        with.attack.p99Us(),
        with.attack.p99Us() / with.quiet.p99Us(),
        with.attack.legit,
        with.attack.failClosed,
        with.attack.forged,
        with.attack.forgedQueriesPerS(),
        without.attack.p99Us(),
        without.attack.p99Us() / without.quiet.p99Us(),
        without.attack.failClosed,
        without.attack.forgedQueriesPerS(),
        without.attack.forged,
        "load average " + loadStart + " at the start, " + loadAverage() + " at the end");
  }

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg where there is one. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private record Phases(Phase quiet, Phase attack) {}

  private static void awaitWarm(
      ChangeFollower follower, TokenValidator validator, boolean set, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (follower.stats().cacheClears() < 1 || (set && !validator.knowsIssuedIds())) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the follower was not warm within " + timeout);
      }
      LockSupport.parkNanos(10_000_000); // polling a condition, not waiting for time to pass
    }
  }

  /** What one phase measured: legitimate validations' latency percentiles and the counts. */
  private record Phase(
      double p50Us,
      double p99Us,
      long legit,
      long failClosed,
      long forged,
      long lookups,
      double seconds) {
    /** The {@code p}th percentile of the sorted latencies (ns), in microseconds; NaN for none. */
    static double percentileUs(long[] sorted, int p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    /** Digest lookups a second beyond one per legitimate validation (each is an evicted token). */
    double forgedQueriesPerS() {
      return Math.max(0, lookups - legit) / seconds;
    }
  }

  private static Phase run(
      CountingTokenStore counted,
      TokenValidator validator,
      String[] values,
      TokenId[] ids,
      Duration phase,
      int attackers,
      int legitThreads,
      Attack attack) {
    long end = System.nanoTime() + phase.toNanos();
    // With known ids attacked, legitimate clients validate the other tokens only.
    int firstLegit = attack == Attack.KNOWN_IDS ? EXPOSED : 0;
    List<long[]> latencies = new ArrayList<>();
    AtomicLong legit = new AtomicLong();
    AtomicLong failClosed = new AtomicLong();
    AtomicLong forged = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<List<Long>> perThread = new ArrayList<>();
    for (int t = 0; t < legitThreads; t++) {
      List<Long> mine = new ArrayList<>();
      perThread.add(mine);
      threads.add(
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0) {
                  int i = random.nextInt(firstLegit, values.length);
                  validator.invalidate(ids[i]); // uncached: every validation asks the store
                  long start = System.nanoTime();
                  try {
                    validator.validate(
                        values[i], Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
                  } catch (ConnectionOpenException e) {
                    if (e.errorCode() == ErrorCode.STORE_UNAVAILABLE) {
                      failClosed.incrementAndGet();
                    } else {
                      throw new IllegalStateException("a legitimate token was refused", e);
                    }
                  }
                  mine.add(System.nanoTime() - start);
                  legit.incrementAndGet();
                }
              },
              "storm-legit-" + t));
    }
    for (int t = 0; t < attackers; t++) {
      Thread attacker =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0) {
                  TokenId id =
                      attack == Attack.KNOWN_IDS ? ids[random.nextInt(EXPOSED)] : TokenMint.newId();
                  String value = TokenMint.newValue(id); // a fresh secret: never a real value
                  try {
                    validator.validate(
                        value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
                    throw new IllegalStateException("a forged value was accepted");
                  } catch (ConnectionOpenException e) {
                    forged.incrementAndGet();
                  }
                }
              },
              "storm-attacker-" + t);
      attacker.setDaemon(true);
      threads.add(attacker);
    }
    long lookupsBefore = counted.findByDigestCalls();
    long started = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long lookups = counted.findByDigestCalls() - lookupsBefore;
    for (List<Long> mine : perThread) {
      latencies.add(mine.stream().mapToLong(Long::longValue).toArray());
    }
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Phase(
        Phase.percentileUs(all, 50),
        Phase.percentileUs(all, 99),
        legit.get(),
        failClosed.get(),
        forged.get(),
        lookups,
        seconds);
  }

  /** A store whose digest lookups take 20 to 50 ms, as a loaded database's might. */
  static final class SlowLookups implements TokenStore {
    private final TokenStore delegate;

    SlowLookups(TokenStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<StoredToken> findByDigest(LookupDigest digest) {
      LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(20, 51)));
      return delegate.findByDigest(digest);
    }

    @Override
    public void insert(StoredToken token, Change change, long maxTokens) {
      delegate.insert(token, change, maxTokens);
    }

    @Override
    public Optional<StoredToken> find(OrganizationId organization, TokenId id) {
      return delegate.find(organization, id);
    }

    @Override
    public List<StoredToken> list(
        OrganizationId organization, TokenFilter filter, @Nullable PageCursor after, int limit) {
      return delegate.list(organization, filter, after, limit);
    }

    @Override
    public List<StoredToken> scan(@Nullable TokenId after, int limit) {
      return delegate.scan(after, limit);
    }

    @Override
    public void update(StoredToken next, Change change) {
      delegate.update(next, change);
    }

    @Override
    public Optional<StoredToken> delete(OrganizationId organization, TokenId id, Change change) {
      return delegate.delete(organization, id, change);
    }

    @Override
    public void recordEntitlementChange(OrganizationId organization, Change change) {
      delegate.recordEntitlementChange(organization, change);
    }

    @Override
    public String toString() {
      return "SlowLookups[" + delegate + "]";
    }
  }
}
