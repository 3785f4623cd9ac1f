package io.accesstokens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.jdbc.internal.JdbcAccess;
import io.accesstokens.jdbc.internal.Migration;
import io.accesstokens.jdbc.internal.PostgresDialect;
import io.accesstokens.jdbc.internal.SchemaMigrator;
import io.accesstokens.jdbc.internal.SqlStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The time {@link JdbcTokenStore#migrate()} takes to bring a PostgreSQL database that a version-2
 * library created, holding 1,000,000 tokens, to the current version (issue 14): the shipped
 * migrations of versions 1 and 2 create the tables (as a version-2 library's {@code migrate()}
 * would), one {@code INSERT ... SELECT generate_series} loads the tokens (one organization, 1%
 * inactive, three environments, creation times 1 ms apart, as the list plans' measurements), then
 * the store's own {@code migrate()} applies every later version and is timed. The tables are of a
 * prefix of their own and dropped at the end.
 *
 * <pre>
 * ACCESS_TOKENS_BENCH_POSTGRESQL_URL='jdbc:postgresql://127.0.0.1:5432/DB?user=postgres' \
 *   java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.LargeMigration [tokens]
 * </pre>
 *
 * <p>Not a JMH benchmark: one timed run of a one-off operation, printed with the machine's load.
 */
public final class LargeMigration {
  private LargeMigration() {}

  public static void main(String[] args) throws SQLException {
    int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    BenchDatabase database = BenchDatabase.POSTGRESQL;
    String reason = database.unavailableReason();
    if (reason != null) {
      throw new IllegalStateException("PostgreSQL is not available: " + reason);
    }
    String prefix = BenchDatabase.randomTablePrefix();
    try (HikariDataSource pool = database.pool("large-migration", 2, "unused")) {
      try {
        PostgresDialect dialect = new PostgresDialect();
        List<Integer> first =
            new SchemaMigrator(
                    new JdbcAccess(pool, dialect, Duration.ofMinutes(30)),
                    new SqlStatements(dialect, prefix),
                    Migration.of(dialect).subList(0, 2),
                    Duration.ofSeconds(60))
                .migrate();
        long loadStart = System.nanoTime();
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute(
              "INSERT INTO "
                  + prefix
                  + "tokens (id_key, organization, environment, masked_value, status,"
                  + " description, scope, created_at, updated_at, version, digest_key_id, digest)"
                  + " SELECT n * 2654435761, 'acme',"
                  + " CASE WHEN n % 20 = 0 THEN 'sandbox' WHEN n % 20 < 4 THEN 'test'"
                  + " ELSE 'production' END, 'atk_',"
                  + " CASE WHEN n % 100 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END, NULL, 'EDI',"
                  + " 1764000000000000 + n * 1000, 1764000000000000 + n * 1000, 1, 'sha256',"
                  + " sha256(int8send(n))"
                  + " FROM generate_series(1, "
                  + tokens
                  + ") AS n");
          s.execute("ANALYZE " + prefix + "tokens");
        }
        double loadS = (System.nanoTime() - loadStart) / 1e9;
        String loadBefore = Storm.loadAverage();
        JdbcTokenStore store =
            JdbcTokenStore.builder(pool)
                .tablePrefix(prefix)
                .queryTimeout(Duration.ofMinutes(30))
                .build();
        long start = System.nanoTime();
        List<Integer> applied = store.migrate();
        double migrateS = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "versions %s created, %,d tokens loaded in %.1f s; migrate() applied %s in %.2f s"
                + " (load average %s before, %s after)%n",
            first, tokens, loadS, applied, migrateS, loadBefore, Storm.loadAverage());
      } finally {
        BenchDatabase.dropTables(pool, prefix);
      }
    }
  }
}
