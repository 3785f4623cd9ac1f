package io.accesstokens.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.accesstokens.jdbc.internal.SchemaScript;
import io.accesstokens.jdbc.internal.SqlStatements;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database a test class runs on, as a JUnit extension. Each class with tests gets tables of its
 * own (a random table prefix, created through {@link JdbcTokenStore#migrate()}, so from the shipped
 * schema files), each test an empty store, and the tables are dropped after the class by the
 * shipped drop file, so nothing is left behind on a shared server. Registered on a store's class,
 * whose suites are {@code @Nested} classes, it does so for each suite in turn (nested classes run
 * one after another): the enclosing class, which has no tests of its own, gets no tables.
 *
 * <p>H2 (in memory) and an embedded PostgreSQL always run. The machine's PostgreSQL and MariaDB run
 * when {@value #POSTGRESQL_URL} and {@value #MARIADB_URL} name them (JDBC URLs with user and
 * password; {@code .ci/run} sets both); without them every test of the class is reported as
 * skipped, with the reason. A URL that is set but cannot be reached fails the class.
 */
final class TestDatabase implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  static final String POSTGRESQL_URL = "ACCESS_TOKENS_TEST_POSTGRESQL_URL";
  static final String MARIADB_URL = "ACCESS_TOKENS_TEST_MARIADB_URL";

  enum Kind {
    H2(JdbcDialect.H2),
    EMBEDDED_POSTGRESQL(JdbcDialect.POSTGRESQL),
    POSTGRESQL(JdbcDialect.POSTGRESQL),
    MARIADB(JdbcDialect.MARIADB),
    /**
     * MariaDB with {@code innodb_snapshot_isolation=ON} in every session (10.6.18+, default from
     * 11.6).
     */
    MARIADB_SNAPSHOT_ISOLATION(JdbcDialect.MARIADB);

    final JdbcDialect dialect;

    Kind(JdbcDialect dialect) {
      this.dialect = dialect;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Kind kind;
  private @Nullable String skipReason;
  private @Nullable DataSource dataSource;
  private @Nullable String prefix;
  private final List<String> prefixes = new CopyOnWriteArrayList<>();
  private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();
  private @Nullable DataSource classPool;

  private TestDatabase(Kind kind) {
    this.kind = kind;
  }

  static TestDatabase h2() {
    return new TestDatabase(Kind.H2);
  }

  static TestDatabase embeddedPostgres() {
    return new TestDatabase(Kind.EMBEDDED_POSTGRESQL);
  }

  static TestDatabase postgres() {
    return new TestDatabase(Kind.POSTGRESQL);
  }

  static TestDatabase mariaDb() {
    return new TestDatabase(Kind.MARIADB);
  }

  static TestDatabase mariaDbSnapshotIsolation() {
    return new TestDatabase(Kind.MARIADB_SNAPSHOT_ISOLATION);
  }

  // ---- lifecycle
  // -----------------------------------------------------------------------------------

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (hasTests(context)) {
      open(context);
    }
  }

  /** Whether the class itself declares or inherits tests; a class of nested suites does not. */
  private static boolean hasTests(ExtensionContext context) {
    return !AnnotationSupport.findAnnotatedMethods(
            context.getRequiredTestClass(), Testable.class, HierarchyTraversalMode.TOP_DOWN)
        .isEmpty();
  }

  /**
   * {@link #beforeAll} for engines that run no Jupiter extensions (jqwik properties): the same
   * tables. Such an engine skips by asking {@link #unavailableReason()} first. The embedded
   * PostgreSQL is then one of its own for the JVM (the Jupiter run's lives in the Jupiter root
   * store, out of reach). Undo with {@link #stop()}.
   *
   * @throws IllegalStateException if the database turned out to be unusable, with the reason
   */
  void start() throws Exception {
    open(null);
    if (skipReason != null) {
      throw new IllegalStateException(skipReason);
    }
  }

  /** {@link #afterAll} for engines that run no Jupiter extensions. */
  void stop() throws SQLException {
    afterAll(null);
  }

  private void open(@Nullable ExtensionContext context) throws Exception {
    skipReason = unavailableReason();
    if (skipReason != null) {
      return;
    }
    dataSource = newDataSource(context);
    if (kind == Kind.MARIADB_SNAPSHOT_ISOLATION) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT @@SESSION.innodb_snapshot_isolation")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException(
              "innodb_snapshot_isolation did not take effect in the session");
        }
      } catch (SQLException e) {
        if (e.getErrorCode() == 1193) { // unknown system variable: a server before 10.6.18
          skipReason =
              "this MariaDB server has no innodb_snapshot_isolation (10.6.18 or later has it)";
          return;
        }
        throw e;
      }
    }
    prefix = newPrefix();
    newStore(prefix).migrate();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeTrue(skipReason == null, () -> skipReason);
  }

  @Override
  public void afterAll(@Nullable ExtensionContext context) throws SQLException {
    if (context != null && !hasTests(context)) {
      return;
    }
    for (HikariDataSource pool : pools) {
      pool.close();
    }
    pools.clear();
    classPool = null;
    if (dataSource != null) {
      for (String p : prefixes) {
        runShippedScript(dialect().schemaDropFile(), p);
      }
    }
    prefixes.clear();
  }

  /**
   * Why this kind of database cannot run here (its URL is not set), or null; needs no connection.
   */
  @Nullable String unavailableReason() {
    return switch (kind) {
      case H2, EMBEDDED_POSTGRESQL -> null;
      case POSTGRESQL ->
          System.getenv(POSTGRESQL_URL) == null
              ? POSTGRESQL_URL
                  + " is not set, so these tests did not run on an external PostgreSQL server"
                  + " (.ci/run sets it for the machine's PostgreSQL)"
              : null;
      case MARIADB, MARIADB_SNAPSHOT_ISOLATION ->
          System.getenv(MARIADB_URL) == null
              ? MARIADB_URL
                  + " is not set, so these tests did not run on a MariaDB server"
                  + " (.ci/run sets it for the machine's MariaDB)"
              : null;
    };
  }

  private DataSource newDataSource(@Nullable ExtensionContext context) throws SQLException {
    switch (kind) {
      case H2 -> {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + randomName(10) + ";DB_CLOSE_DELAY=-1");
        return h2;
      }
      case EMBEDDED_POSTGRESQL -> {
        EmbeddedPostgres postgres =
            context == null
                ? EmbeddedServer.outsideJupiter()
                : context
                    .getRoot()
                    .getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(
                        EmbeddedServer.class, k -> new EmbeddedServer(), EmbeddedServer.class)
                    .postgres;
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(postgres.getJdbcUrl("postgres", "postgres"));
        return pg;
      }
      case POSTGRESQL -> {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(System.getenv(POSTGRESQL_URL));
        return pg;
      }
      case MARIADB -> {
        return new MariaDbDataSource(System.getenv(MARIADB_URL));
      }
      case MARIADB_SNAPSHOT_ISOLATION -> {
        String url = System.getenv(MARIADB_URL);
        return new MariaDbDataSource(
            url
                + (url.contains("?") ? "&" : "?")
                + "sessionVariables=innodb_snapshot_isolation=ON");
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  /**
   * One embedded PostgreSQL for the whole test run, stopped (closed by JUnit) when the run ends.
   */
  private static final class EmbeddedServer implements AutoCloseable {
    final EmbeddedPostgres postgres;

    EmbeddedServer() {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
      }
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }

    private static @Nullable EmbeddedServer outsideJupiter;

    /** The server of the engines without Jupiter extensions, stopped by its shutdown hook. */
    static synchronized EmbeddedPostgres outsideJupiter() {
      if (outsideJupiter == null) {
        outsideJupiter = new EmbeddedServer();
      }
      return outsideJupiter.postgres;
    }
  }

  // ---- what tests use
  // ----------------------------------------------------------------------------

  Kind kind() {
    return kind;
  }

  JdbcDialect dialect() {
    return kind.dialect;
  }

  /** The class's plain (unpooled) data source. */
  DataSource dataSource() {
    if (dataSource == null) {
      throw new IllegalStateException("no database: " + skipReason);
    }
    return dataSource;
  }

  /** The class's table prefix. */
  String prefix() {
    if (prefix == null) {
      throw new IllegalStateException("no database: " + skipReason);
    }
    return prefix;
  }

  /** A store on the class's tables, emptied. */
  JdbcTokenStore emptyStore() {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + prefix() + "tokens");
      s.executeUpdate("DELETE FROM " + prefix() + "organization_counts");
    } catch (SQLException e) {
      throw new IllegalStateException("could not empty the tokens table", e);
    }
    return newStore(prefix());
  }

  /**
   * {@link #emptyStore()} through a small pool of the class's, emptied through it too: for suites
   * that make thousands of calls, since a new PostgreSQL connection costs more than most calls.
   */
  JdbcTokenStore emptyPooledStore() {
    if (classPool == null) {
      classPool = newPool(2);
    }
    try (Connection c = classPool.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + prefix() + "tokens");
      s.executeUpdate("DELETE FROM " + prefix() + "organization_counts");
    } catch (SQLException e) {
      throw new IllegalStateException("could not empty the tokens table", e);
    }
    return JdbcTokenStore.builder(classPool).dialect(dialect()).tablePrefix(prefix()).build();
  }

  /** A store (dialect detected) on {@code tablePrefix} over the class's data source. */
  JdbcTokenStore newStore(String tablePrefix) {
    return JdbcTokenStore.builder(dataSource()).tablePrefix(tablePrefix).build();
  }

  /**
   * A fresh table prefix, whose tables are dropped after the class: an empty database for the
   * store.
   */
  String newPrefix() {
    String fresh = "t" + randomName(7) + "_";
    prefixes.add(fresh);
    return fresh;
  }

  /** A connection pool of its own (a "node"), closed after the class. */
  DataSource newPool(int size) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource());
    config.setMaximumPoolSize(size);
    config.setPoolName("node-" + (pools.size() + 1));
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return pool;
  }

  /** A plain data source of its own on the same database (a separate "node" without a pool). */
  DataSource newDataSource() throws SQLException {
    if (kind == Kind.H2 || kind == Kind.EMBEDDED_POSTGRESQL) {
      return dataSource(); // plain driver data sources keep no state: sharing one is the same
    }
    return newDataSource(null);
  }

  /**
   * Runs a script shipped in the jar ({@code schema-drop-h2.sql}, say) on {@code tablePrefix}'s
   * tables, read and resolved as {@link JdbcTokenStore#migrate()} reads its own.
   */
  void runShippedScript(String file, String tablePrefix) throws SQLException {
    SqlStatements sql = new SqlStatements(dialect().internal(), tablePrefix);
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String statement : SchemaScript.statements(SchemaScript.load(file))) {
        s.execute(sql.resolve(statement));
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /** The names of the tables under {@code tablePrefix}, as the database reports them. */
  List<String> tables(String tablePrefix) throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      return tables(c, tablePrefix);
    }
  }

  private static List<String> tables(Connection c, String tablePrefix) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs =
        c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME");
        if (name.toLowerCase(Locale.ROOT).startsWith(tablePrefix)) {
          tables.add(name);
        }
      }
    }
    return tables;
  }

  /**
   * Every row of every table under {@code tablePrefix}, one line per row, every column rendered as
   * text (bytes as hex).
   */
  List<String> dump(String tablePrefix) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = dataSource().getConnection()) {
      for (String table : tables(c, tablePrefix)) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder line = new StringBuilder(table).append(':');
            for (int i = 1; i <= columns; i++) {
              Object value = rs.getObject(i);
              line.append(' ')
                  .append(rs.getMetaData().getColumnName(i))
                  .append('=')
                  .append(
                      value instanceof byte[] bytes
                          ? java.util.HexFormat.of().formatHex(bytes)
                          : String.valueOf(value));
            }
            lines.add(line.toString());
          }
        }
      }
    }
    return lines;
  }

  private static String randomName(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    out.append(alphabet.charAt(RANDOM.nextInt(26)));
    while (out.length() < length) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
