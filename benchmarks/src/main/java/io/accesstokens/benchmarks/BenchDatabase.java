package io.accesstokens.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases the database benchmarks run on, each reached through a HikariCP pool as a host
 * would reach it: {@code h2} is an in-memory H2 database of this JVM (always there); {@code
 * postgresql} and {@code mariadb} are servers named by a JDBC URL (with user and password) in the
 * environment variables {@value #POSTGRESQL_URL} and {@value #MARIADB_URL}, which {@code
 * benchmarks/run} sets to a database it creates for the run on the machine's servers (and drops
 * afterwards).
 *
 * <p>Every user of a database gets tables of its own, under a random table prefix, and drops them
 * when done ({@link #dropTables}), so benchmarks and forks never see each other's rows.
 */
enum BenchDatabase {
  H2("h2"),
  POSTGRESQL("pg"),
  MARIADB("mariadb");

  static final String POSTGRESQL_URL = "ACCESS_TOKENS_BENCH_POSTGRESQL_URL";
  static final String MARIADB_URL = "ACCESS_TOKENS_BENCH_MARIADB_URL";

  /** The name in summary keys ({@code propagation_pg_notify_p50_ms}). */
  final String shortName;

  BenchDatabase(String shortName) {
    this.shortName = shortName;
  }

  /**
   * By its parameter name ({@code h2}, {@code postgresql}, {@code mariadb}) or its short name
   * ({@code pg}).
   */
  static BenchDatabase named(String name) {
    for (BenchDatabase d : values()) {
      if (d.name().toLowerCase(Locale.ROOT).equals(name) || d.shortName.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "database must be h2, postgresql (pg) or mariadb, but was " + name);
  }

  /** Why this database cannot be used in this run, or {@code null} if its URL is set. */
  @Nullable String unavailableReason() {
    return switch (this) {
      case H2 -> null;
      case POSTGRESQL ->
          System.getenv(POSTGRESQL_URL) == null ? POSTGRESQL_URL + " is not set" : null;
      case MARIADB -> System.getenv(MARIADB_URL) == null ? MARIADB_URL + " is not set" : null;
    };
  }

  /**
   * A new pool of at most {@code size} connections on this database; for H2, on the in-memory
   * database {@code h2Name} of this JVM, which stays open until the JVM ends.
   */
  HikariDataSource pool(String poolName, int size, String h2Name) {
    String reason = unavailableReason();
    if (reason != null) {
      throw new IllegalStateException(
          name().toLowerCase(Locale.ROOT) + " is not available: " + reason);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(10_000);
    try {
      switch (this) {
        case H2 -> {
          JdbcDataSource h2 = new JdbcDataSource();
          h2.setURL("jdbc:h2:mem:" + h2Name + ";DB_CLOSE_DELAY=-1");
          config.setDataSource(h2);
        }
        case POSTGRESQL -> {
          PGSimpleDataSource pg = new PGSimpleDataSource();
          pg.setURL(System.getenv(POSTGRESQL_URL));
          config.setDataSource(pg);
        }
        case MARIADB -> config.setDataSource(new MariaDbDataSource(System.getenv(MARIADB_URL)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("bad JDBC URL for " + name().toLowerCase(Locale.ROOT), e);
    }
    return new HikariDataSource(config);
  }

  /**
   * A table prefix no other user of the database has: {@code b} and 8 random letters, then {@code
   * _}.
   */
  static String randomTablePrefix() {
    StringBuilder prefix = new StringBuilder("b");
    for (int i = 0; i < 8; i++) {
      prefix.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    }
    return prefix.append('_').toString();
  }

  /** Drops every table whose name starts with {@code prefix} (in any letter case). */
  static void dropTables(javax.sql.DataSource dataSource, String prefix) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String table = rs.getString("TABLE_NAME");
          if (table.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            tables.add(table);
          }
        }
      }
      try (Statement s = c.createStatement()) {
        for (String table : tables) {
          // Names read from the catalog, matched to our own random prefix: no input reaches this
          // text.
          s.execute("DROP TABLE " + table);
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }
}
