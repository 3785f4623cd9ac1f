package io.accesstokens.benchmarks;

import com.github.benmanes.caffeine.cache.Ticker;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.CopyPolicy;
import io.accesstokens.FreshnessLease;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import io.accesstokens.jdbc.JdbcTokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Validation against a real database, side by side with what a host would write without this
 * library, all through one HikariCP pool on the same table, in the same fork:
 *
 * <ul>
 *   <li>{@code bareLookup}: SHA-256 of the presented value (what the store keeps), then the store's
 *       own lookup statement ({@code SELECT <every column> FROM tokens WHERE digest = ? AND
 *       digest_key_id = ?}), prepared on a pooled connection, every column read. The least any
 *       validation that goes to the database can do; also what a host does on every connection
 *       without a cache.
 *   <li>{@code validateMiss}: {@link TokenValidator#validate} that must go to the store: its ticker
 *       jumps past the hard expiry before each call, so no cached answer is usable. It pays the
 *       well-formedness check, the cache and negative-cache probes, the in-flight registration, the
 *       lookup through {@link TokenService} and {@link JdbcTokenStore}, the constant-time
 *       comparison, and installing the fresh answer in the cache.
 *   <li>{@code validateHit}: the cached hit on the same database's validator (every token cached in
 *       setup), for {@code uncached_pg_over_cached}.
 * </ul>
 *
 * <p>{@value #TOKENS} tokens are created through the service (digest-only copy policy) in tables of
 * the trial's own under a random prefix, dropped at the end; each call presents the next one in a
 * shuffled order as a fresh {@code String}. One thread: a connector's connection handler. {@code
 * database} is {@code h2} (in-memory, in this JVM), {@code postgresql} or {@code mariadb} (servers
 * named by {@code ACCESS_TOKENS_BENCH_POSTGRESQL_URL} / {@code ACCESS_TOKENS_BENCH_MARIADB_URL},
 * see {@link BenchDatabase}); setup fails with the reason when the URL is not set.
 *
 * <pre>
 * ACCESS_TOKENS_BENCH_POSTGRESQL_URL='jdbc:postgresql://127.0.0.1:5432/bench?user=postgres' \
 *   java -jar benchmarks/target/benchmarks.jar 'DatabaseLookupBenchmark' -p database=h2,postgresql -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class DatabaseLookupBenchmark extends SuiteDefaults {
  static final int TOKENS = 2_000;

  /** Past the validator's default 60-second hard expiry. */
  private static final long JUMP_NANOS = TimeUnit.SECONDS.toNanos(61);

  @Param({"h2", "postgresql"})
  public String database;

  private HikariDataSource pool;
  private String prefix;
  private TokenValidator missing;
  private TokenValidator cached;

  /**
   * The ticker of {@link #missing}: the benchmark moves it, so every call finds its answers
   * expired.
   */
  private final JumpingTicker jumps = new JumpingTicker();

  private String lookupSql;
  private String digestKeyId;
  private MessageDigest sha256;
  private byte[][] visits;
  private int position;
  private long missesBefore;
  private long hitsBefore;

  @Setup(Level.Trial)
  public void setUp() throws SQLException, NoSuchAlgorithmException {
    BenchDatabase db = BenchDatabase.named(database);
    prefix = BenchDatabase.randomTablePrefix();
    pool = db.pool("bench-" + database, 4, "lookup_" + prefix);
    JdbcTokenStore store = JdbcTokenStore.builder(pool).tablePrefix(prefix).build();
    store.migrate();
    TokenService service =
        Population.newService(new CountingTokenStore(store), CopyPolicy.digestOnly());
    String[] values = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      values[i] =
          service
              .create(
                  Population.ORGANIZATION,
                  Population.ENVIRONMENT,
                  "benchmark token " + i,
                  Population.ACTOR)
              .value()
              .reveal();
    }
    visits = Population.asBytes(Population.shuffled(values));

    // The store's own statement and columns (Sql.FIND_BY_DIGEST), with the prefix filled in.
    lookupSql =
        "SELECT "
            + TOKEN_COLUMNS
            + " FROM "
            + prefix
            + "tokens WHERE digest = ? AND digest_key_id = ?";
    try (Connection c = pool.getConnection();
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT digest_key_id FROM " + prefix + "tokens")) {
      rs.next();
      digestKeyId = rs.getString(1);
      AbstractValidatorBenchmark.check(!rs.next(), "every token must carry one digest key id");
    }
    sha256 = MessageDigest.getInstance("SHA-256");
    for (String value : values) {
      AbstractValidatorBenchmark.check(
          bareLookup(value) != null, "the bare lookup must find every token");
    }

    missing =
        TokenValidator.builder(service)
            .ticker(jumps)
            .freshnessLease(FreshnessLease.always())
            .build();
    FollowerLease lease = new FollowerLease();
    lease.renewUntil(System.nanoTime() + 3_600_000_000_000L);
    cached = TokenValidator.builder(service).freshnessLease(lease).build();
    for (String value : values) {
      cached.validate(
          value, io.accesstokens.Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
    }
    missesBefore = cached.stats().misses();
    hitsBefore = missing.stats().hits();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      ValidatorStats miss = missing.stats();
      ValidatorStats hit = cached.stats();
      // Proof that each benchmark measured what it says: every miss went to the store, every hit
      // did not.
      AbstractValidatorBenchmark.check(
          miss.hits() == hitsBefore && miss.storeLookups() == miss.misses(),
          "validateMiss must never hit the cache, but " + miss);
      AbstractValidatorBenchmark.check(
          hit.misses() == missesBefore, "validateHit must never miss after setup, but " + hit);
      missing.close();
      cached.close();
      BenchDatabase.dropTables(pool, prefix);
    } finally {
      pool.close();
    }
  }

  private String next() {
    int i = position;
    position = i + 1 == visits.length ? 0 : i + 1;
    return new String(visits[i], StandardCharsets.US_ASCII);
  }

  @Benchmark
  public void bareLookup(Blackhole blackhole) throws SQLException {
    blackhole.consume(bareLookup(next()));
  }

  @Benchmark
  public void validateMiss(Blackhole blackhole) {
    jumps.jump();
    blackhole.consume(
        missing.validate(
            next(), io.accesstokens.Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }

  @Benchmark
  public void validateHit(Blackhole blackhole) {
    blackhole.consume(
        cached.validate(
            next(), io.accesstokens.Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }

  /**
   * The row's columns, read as a host would (typed), or {@code null} if no row has this value's
   * digest.
   */
  private Object @Nullable [] bareLookup(String presented) throws SQLException {
    byte[] digest = sha256.digest(presented.getBytes(StandardCharsets.US_ASCII));
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(lookupSql)) {
      ps.setBytes(1, digest);
      ps.setString(2, digestKeyId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Object[] {
          rs.getLong(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6),
          rs.getString(7),
          rs.getLong(8),
          rs.getLong(9),
          rs.getLong(10),
          rs.getString(11),
          rs.getBytes(12),
          rs.getString(13),
          rs.getBytes(14)
        };
      }
    }
  }

  /**
   * Every column of a token row (schema-*.sql), in the order the store reads them: written out here
   * rather than taken from the store's internal package, which benchmarks do not use. {@link
   * #setUp} checks that the bare lookup finds every token with them.
   */
  private static final String TOKEN_COLUMNS =
      "id_key, organization, environment, masked_value, status, description, scope, created_at,"
          + " updated_at, version, digest_key_id, digest, sealed_key_id, sealed_value";

  /** A ticker the benchmark moves forward by more than the hard expiry before each validation. */
  static final class JumpingTicker implements Ticker {
    private volatile long now = System.nanoTime();

    void jump() {
      now += JUMP_NANOS;
    }

    @Override
    public long read() {
      return now;
    }
  }
}
