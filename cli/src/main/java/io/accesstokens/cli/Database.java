package io.accesstokens.cli;

import io.accesstokens.TokenId;
import io.accesstokens.internal.Redaction;
import io.accesstokens.jdbc.JdbcTokenStore;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The token store of one command: a {@link JdbcTokenStore} on a JDBC URL, migrated when opened (so
 * the first command creates the tables). For H2 one connection is held open until {@link #close()},
 * so the embedded database is opened once per command rather than once per statement; it is also
 * the check that the database can be opened at all, with the driver's reason when it cannot. An H2
 * file that another process holds is waited for, {@link #LOCK_WAIT} at most (or what {@link
 * #LOCK_WAIT_VARIABLE} sets).
 */
final class Database implements AutoCloseable {
  static final String USER_VARIABLE = "ACCESS_TOKENS_JDBC_USER";
  static final String PASSWORD_VARIABLE = "ACCESS_TOKENS_JDBC_PASSWORD";
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

  /** H2's "Database may be already in use": another process holds the file's lock. */
  private static final int H2_DATABASE_IN_USE = 90020;

  private static final String H2_FILE = "jdbc:h2:file:";

  /** How long a command waits for another to release an H2 file database, unless set. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  /**
   * Sets that wait in whole seconds (0 to 3600): a script that starts many commands at once on a
   * busy machine, where each may hold the database for seconds, raises it rather than fail.
   */
  static final String LOCK_WAIT_VARIABLE = "ACCESS_TOKENS_LOCK_WAIT_SECONDS";

  private static final long LONGEST_LOCK_WAIT_SECONDS = 3600;

  private static final Duration FIRST_RETRY = Duration.ofMillis(20);
  private static final Duration LONGEST_RETRY = Duration.ofMillis(500);
  private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");
  private static final int SCAN_BATCH = 500;

  /** The embedded database's name in the home: H2 keeps it in {@code tokens.mv.db}. */
  static final String EMBEDDED_NAME = "tokens";

  private static final String EMBEDDED_FILE = EMBEDDED_NAME + ".mv.db";

  private final JdbcTokenStore store;
  private final @Nullable Connection keeper;
  private final @Nullable Path embeddedHome;

  private Database(JdbcTokenStore store, @Nullable Connection keeper, @Nullable Path embeddedHome) {
    this.store = store;
    this.keeper = keeper;
    this.embeddedHome = embeddedHome;
  }

  /** The embedded database in the console's home: an H2 file {@code tokens.mv.db}. */
  static String embeddedUrl(Path home) {
    String path = home.resolve(EMBEDDED_NAME).toAbsolutePath().toString();
    if (path.indexOf(';') >= 0) {
      throw new ConsoleException(
          ExitCode.USAGE,
          "the console's home "
              + home
              + " has a ';' in its path, which H2 reads as a setting; use --home");
    }
    return H2_FILE + path;
  }

  /**
   * Opens the embedded database in {@code home}, creating it on first use, with every file of it
   * its owner's only: H2 creates its files with the process's umask, so the database file is
   * created (empty, {@code 0600}) before H2 opens it, which H2 takes for a new database; H2's trace
   * file, which would record the driver's error messages, is off; and whatever H2 made is set
   * {@code 0600} once it has opened and again when it closes.
   *
   * @param closedByTheCommand whether the command closes the database from a shutdown hook of its
   *     own ({@code serve}, after its last request), rather than H2 from its hook, which the JVM
   *     runs at the same time as the command's
   * @throws ConsoleException as {@link #open}, and if the database file cannot be created
   */
  static Database openEmbedded(
      Path home, String tablePrefix, Terminal terminal, boolean closedByTheCommand) {
    String url = embeddedUrl(home);
    try {
      PrivateFiles.createNew(home.resolve(EMBEDDED_FILE), new byte[0]);
    } catch (FileAlreadyExistsException e) {
      // an existing database (or whatever is there, which H2 reports when it opens it)
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.STORE_UNAVAILABLE,
          "cannot create the database " + home.resolve(EMBEDDED_FILE) + ": " + e.getMessage(),
          e);
    }
    Properties settings = new Properties();
    settings.setProperty("TRACE_LEVEL_FILE", "0");
    if (closedByTheCommand) {
      settings.setProperty("DB_CLOSE_ON_EXIT", "FALSE");
    }
    Database database = open(url, settings, tablePrefix, terminal, home);
    try {
      database.tightenEmbeddedFiles();
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * Opens the database at {@code url} and creates or upgrades its tables.
   *
   * @throws ConsoleException if there is no driver for the URL ({@link ExitCode#USAGE}) or the
   *     database cannot be opened ({@link ExitCode#STORE_UNAVAILABLE})
   * @throws io.accesstokens.StoreUnavailableException if the migration fails
   */
  static Database open(String url, String tablePrefix, Terminal terminal) {
    return open(url, new Properties(), tablePrefix, terminal, null);
  }

  private static Database open(
      String url,
      Properties settings,
      String tablePrefix,
      Terminal terminal,
      @Nullable Path embeddedHome) {
    if (!url.startsWith("jdbc:")) {
      throw new ConsoleException(
          ExitCode.USAGE,
          "--jdbc-url must be a JDBC URL (jdbc:postgresql://...,"
              + " jdbc:mariadb://..., jdbc:mysql://..., jdbc:h2:...), but was "
              + redact(url));
    }
    try {
      DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw new ConsoleException(
          ExitCode.USAGE,
          "no JDBC driver takes "
              + redact(url)
              + " (the console has the H2, PostgreSQL and MariaDB/MySQL drivers)",
          e);
    }
    UrlDataSource dataSource =
        new UrlDataSource(
            url, settings, terminal.env(USER_VARIABLE), terminal.env(PASSWORD_VARIABLE));
    Duration lockWait = lockWait(terminal);
    Connection first;
    try {
      first = connect(dataSource, url, embeddedHome, terminal, lockWait);
    } catch (SQLException e) {
      if (e.getErrorCode() == H2_DATABASE_IN_USE && url.startsWith(H2_FILE)) {
        throw new ConsoleException(
            ExitCode.STORE_UNAVAILABLE,
            "cannot open the database "
                + redact(url)
                + ": another process has had it open for "
                + lockWait.toSeconds()
                + " seconds, and an embedded H2 database admits one at a time (is another"
                + " access-tokens command, such as serve, still running?)",
            e);
      }
      throw new ConsoleException(
          ExitCode.STORE_UNAVAILABLE,
          "cannot open the database " + redact(url) + ": " + reason(e),
          e);
    }
    boolean keep = url.startsWith("jdbc:h2:");
    try {
      if (!keep) {
        first.close();
      }
      JdbcTokenStore store = JdbcTokenStore.builder(dataSource).tablePrefix(tablePrefix).build();
      store.migrate();
      return new Database(store, keep ? first : null, embeddedHome);
    } catch (SQLException e) {
      closeQuietly(first);
      throw new ConsoleException(
          ExitCode.STORE_UNAVAILABLE,
          "cannot open the database " + redact(url) + ": " + reason(e),
          e);
    } catch (IllegalArgumentException e) {
      closeQuietly(first);
      throw new ConsoleException(ExitCode.USAGE, "--table-prefix: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      closeQuietly(first);
      throw new ConsoleException(
          ExitCode.STORE_UNAVAILABLE,
          "cannot use the database " + redact(url) + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeQuietly(first);
      throw e;
    }
  }

  /**
   * {@link #LOCK_WAIT}, or the whole seconds {@link #LOCK_WAIT_VARIABLE} sets.
   *
   * @throws ConsoleException ({@link ExitCode#USAGE}) if the variable is not a whole number of
   *     seconds from 0 to 3600; the message does not quote it (a pasted value may be anything)
   */
  static Duration lockWait(Terminal terminal) {
    String text = terminal.env(LOCK_WAIT_VARIABLE);
    if (text == null) {
      return LOCK_WAIT;
    }
    if (text.length() <= 4 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long seconds = Long.parseLong(text);
      if (seconds <= LONGEST_LOCK_WAIT_SECONDS) {
        return Duration.ofSeconds(seconds);
      }
    }
    throw new ConsoleException(
        ExitCode.USAGE,
        LOCK_WAIT_VARIABLE
            + " must be a whole number of seconds from 0 to "
            + LONGEST_LOCK_WAIT_SECONDS);
  }

  /**
   * The first connection. An H2 file database admits one process at a time and reports the others
   * at once (error 90020, "database may be already in use"): another console command holds it for
   * the moment it works, so this one tries again, backing off from {@link #FIRST_RETRY} to {@link
   * #LONGEST_RETRY}, for {@code lockWait} at most, and says on standard error that it waits.
   *
   * @throws SQLException the driver's, the last 90020 included when the wait is over
   */
  private static Connection connect(
      UrlDataSource dataSource,
      String url,
      @Nullable Path embeddedHome,
      Terminal terminal,
      Duration lockWait)
      throws SQLException {
    Sleeper sleeper = terminal.sleeper();
    long start = sleeper.nanoTime();
    Duration retry = FIRST_RETRY;
    boolean said = false;
    while (true) {
      try {
        return dataSource.getConnection();
      } catch (SQLException e) {
        Duration left = lockWait.minusNanos(sleeper.nanoTime() - start);
        if (e.getErrorCode() != H2_DATABASE_IN_USE
            || !url.startsWith(H2_FILE)
            || left.isNegative()
            || left.isZero()) {
          throw e;
        }
        if (!said) {
          terminal
              .err()
              .println(
                  "waiting for another access-tokens command to finish with "
                      + (embeddedHome != null
                          ? embeddedHome.resolve(EMBEDDED_FILE).toString()
                          : redact(url))
                      + "...");
          terminal.err().flush();
          said = true;
        }
        try {
          sleeper.sleep(retry.compareTo(left) < 0 ? retry : left);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ConsoleException(
              ExitCode.STORE_UNAVAILABLE,
              "interrupted while waiting for the database " + redact(url),
              interrupted);
        }
        retry =
            retry.multipliedBy(2).compareTo(LONGEST_RETRY) < 0
                ? retry.multipliedBy(2)
                : LONGEST_RETRY;
      }
    }
  }

  JdbcTokenStore store() {
    return store;
  }

  /**
   * How many stored values are sealed under each key id, in every organization (the store's
   * maintenance scan): what a new copy key would leave unopenable.
   */
  SortedMap<String, Long> sealedKeyIds() {
    SortedMap<String, Long> counts = new TreeMap<>();
    TokenId after = null;
    while (true) {
      List<StoredToken> rows = store.scan(after, SCAN_BATCH);
      for (StoredToken row : rows) {
        SealedValue sealed = row.sealedValue();
        if (sealed != null) {
          counts.merge(sealed.keyId(), 1L, Long::sum);
        }
      }
      if (rows.size() < SCAN_BATCH) {
        return counts;
      }
      after = rows.get(rows.size() - 1).id();
    }
  }

  @Override
  public void close() {
    if (keeper != null) {
      closeQuietly(keeper);
    }
    if (embeddedHome != null) {
      try {
        tightenEmbeddedFiles();
      } catch (ConsoleException e) {
        // the command is done; the files were private when it opened them, and the home is its
        // owner's
      }
    }
  }

  /** Every file H2 keeps for the embedded database ({@code tokens.*}), its owner's only. */
  private void tightenEmbeddedFiles() {
    if (embeddedHome == null || !PrivateFiles.isPosix(embeddedHome)) {
      return;
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(embeddedHome, EMBEDDED_NAME + ".*")) {
      for (Path file : files) {
        PrivateFiles.tighten(file);
      }
    } catch (IOException e) {
      throw new ConsoleException(
          ExitCode.STORE_UNAVAILABLE,
          "cannot make the database files in " + embeddedHome + " private: " + e.getMessage(),
          e);
    }
  }

  /**
   * The URL without a password in it (a {@code password=} parameter or {@code user:password@}); by
   * kind and length only if what remains is token-shaped (a value pasted for the URL).
   */
  static String redact(String url) {
    String noParameter = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    String shown = USER_INFO.matcher(noParameter).replaceAll("//$1:***@");
    return Redaction.isTokenShaped(shown) ? Redaction.describe(shown) : shown;
  }

  /**
   * The driver's reason on one line: for a failure to connect it says why, and no value was sent.
   */
  private static String reason(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end).strip();
    return line + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing what was only opened to keep the database open; nothing was written through it
    }
  }

  /** Connections from {@link DriverManager}; the console needs no pool for a few statements. */
  private static final class UrlDataSource implements DataSource {
    private final String url;
    private final Properties properties = new Properties();

    UrlDataSource(
        String url, Properties settings, @Nullable String user, @Nullable String password) {
      this.url = url;
      properties.putAll(settings);
      if (user != null) {
        properties.setProperty("user", user);
      }
      if (password != null) {
        properties.setProperty("password", password);
      }
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {
      // DriverManager's log writer is global; the console leaves it alone
    }

    @Override
    public void setLoginTimeout(int seconds) {
      // the drivers' own connect timeouts apply
    }

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }

    @Override
    public String toString() {
      return "UrlDataSource[" + redact(url) + "]";
    }
  }
}
