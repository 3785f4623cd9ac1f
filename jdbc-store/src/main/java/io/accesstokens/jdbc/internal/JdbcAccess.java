package io.accesstokens.jdbc.internal;

import io.accesstokens.AccessTokenException;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way this module reaches its database: where a connection comes from, how long the driver
 * may wait on it, how a transaction ends, how a failure becomes this library's exception ({@link
 * SqlErrors}, with the dialect's codes) and how the connection goes back, each written once for the
 * store, its change feed, the migrator and the change listener.
 *
 * <p><b>Bounds.</b> A read takes no lock on any supported database (snapshot reads on PostgreSQL,
 * InnoDB's consistent reads, H2's MVStore) and reads at most a page of rows by index, so what can
 * hold one is a server or network that does not answer, which only the network timeout ends: a
 * read's connection waits at most the query timeout ({@link Connection#setNetworkTimeout}), and its
 * statements carry no statement timeout, which costs more than it gives (pgjdbc schedules a cancel
 * task on its timer thread for every statement, and H2 runs a {@code SET QUERY_TIMEOUT} that makes
 * it parse the statement again: an H2 lookup by digest took 15 µs with it and 4.6 µs without,
 * measured by the benchmarks). A write's statements ({@link #prepare}) are cancelled by the
 * database at the query timeout, but when the network goes silent (a partition, a dead host)
 * neither the cancellation nor an answer arrives, so a write's connection waits at most twice the
 * query timeout. Either way the driver then discards the connection. Schema work has no bound: a
 * migration's DDL may rightly take long.
 *
 * <p>Messages name the operation, and the token where there is one, never a value. Immutable and
 * thread-safe; it holds no connection between calls.
 */
public final class JdbcAccess {
  private static final Logger log = LoggerFactory.getLogger(JdbcAccess.class);

  /** For {@link Connection#setNetworkTimeout}, whose drivers only set a socket timeout with it. */
  private static final Executor DIRECT = Runnable::run;

  /** {@link #boundNetworkWait} left the connection's network timeout as it was. */
  private static final int UNCHANGED = -1;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final int queryTimeoutSeconds;
  private final int readNetworkTimeoutMillis;
  private final int writeNetworkTimeoutMillis;

  /**
   * Access to the database behind {@code dataSource}, whose failures read as {@code dialect} says.
   *
   * @param queryTimeout a whole number of seconds: a write statement's timeout, a read's network
   *     bound, and half a write's
   */
  public JdbcAccess(DataSource dataSource, Dialect dialect, Duration queryTimeout) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.queryTimeoutSeconds = Math.toIntExact(queryTimeout.toSeconds());
    this.readNetworkTimeoutMillis = Math.toIntExact(queryTimeout.toMillis());
    this.writeNetworkTimeoutMillis = Math.toIntExact(queryTimeout.toMillis() * 2);
  }

  /** Work on a connection; it may throw what JDBC throws. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  // ---- token operations and the change log
  // ---------------------------------------------------------

  /** {@link #read(String, TokenId, Work)} of no particular token. */
  public <T> T read(String operation, Work<T> work) {
    return read(operation, null, work);
  }

  /**
   * Runs a read under the read bound. A transaction the connection came with (auto-commit off) is
   * ended afterwards; a read has nothing to roll back.
   *
   * @param operation what is done, for messages ({@code "find"}, {@code "reading the change log"})
   * @param id the token it is done to, if any, for messages
   * @throws AccessTokenException what {@link SqlErrors} makes of a failure; a stored row that
   *     breaks a rule of the domain is {@link StoreUnavailableException}
   */
  public <T> T read(String operation, @Nullable TokenId id, Work<T> work) {
    return run(operation, id, work, false);
  }

  /**
   * Runs {@code work}, a statement that is a transaction of its own, in auto-commit: the database
   * commits it as it ends, and no {@code COMMIT} of this library's is ever sent for it (so a lost
   * answer to one is a lost answer to the work's statement). A connection that came with
   * auto-commit off is put back so.
   *
   * @throws AccessTokenException what {@link SqlErrors} makes of a failure
   */
  public <T> T inAutoCommit(String operation, @Nullable TokenId id, Work<T> work) {
    return run(operation, id, connection -> inAutoCommitOn(connection, work), false);
  }

  /**
   * Runs {@code work} in one transaction under the write bound: committed if it returns, rolled
   * back if it throws. Its statements should come from {@link #prepare}, which gives them the query
   * timeout.
   *
   * @throws AccessTokenException what {@link SqlErrors} makes of a failure, or what {@code work}
   *     threw
   */
  public <T> T inTransaction(String operation, @Nullable TokenId id, Work<T> work) {
    return run(operation, id, work, true);
  }

  /** {@code work} on a connection of its own, as a read or as a write's transaction. */
  private <T> T run(String operation, @Nullable TokenId id, Work<T> work, boolean write) {
    Connection connection = open(operation, id);
    int networkTimeout =
        boundNetworkWait(
            connection, write ? writeNetworkTimeoutMillis : readNetworkTimeoutMillis, operation);
    try {
      if (write) {
        return transaction(connection, operation, work);
      }
      T result = work.run(connection);
      if (!connection.getAutoCommit()) {
        connection.rollback();
      }
      return result;
    } catch (SQLException e) {
      throw SqlErrors.translate(e, describe(operation, id), dialect);
    } catch (IllegalArgumentException e) {
      throw unreadable(operation, id, e);
    } finally {
      restoreNetworkWait(connection, networkTimeout, operation);
      closeQuietly(connection, operation);
    }
  }

  /** A statement of a write, which the database cancels at the query timeout. */
  public PreparedStatement prepare(Connection connection, String statement) throws SQLException {
    return prepare(connection, statement, queryTimeoutSeconds);
  }

  /** A statement of a write, which the database cancels after {@code timeoutSeconds}. */
  public PreparedStatement prepare(Connection connection, String statement, int timeoutSeconds)
      throws SQLException {
    PreparedStatement prepared = connection.prepareStatement(statement);
    prepared.setQueryTimeout(timeoutSeconds);
    return prepared;
  }

  /** Runs one statement without parameters (DDL, a lock, {@code LISTEN}). */
  public static void execute(Connection connection, String statement) throws SQLException {
    try (Statement executed = connection.createStatement()) {
      executed.execute(statement);
    }
  }

  /**
   * Runs one statement without parameters, which the database cancels after {@code timeoutSeconds}.
   */
  public static void execute(Connection connection, String statement, int timeoutSeconds)
      throws SQLException {
    try (Statement executed = connection.createStatement()) {
      executed.setQueryTimeout(timeoutSeconds);
      executed.execute(statement);
    }
  }

  /** {@code operation}, and the token it is done to if any: {@code "find of token 0abcDEF1234"}. */
  public static String describe(String operation, @Nullable TokenId id) {
    return id == null ? operation : operation + " of token " + id;
  }

  // ---- schema work
  // ---------------------------------------------------------------------------------

  /** Runs {@code work} on {@code connection} in auto-commit, then puts its mode back. */
  private static <T> T inAutoCommitOn(Connection connection, Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    if (!autoCommit) {
      connection.setAutoCommit(true);
    }
    try {
      return work.run(connection);
    } finally {
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
    }
  }

  /**
   * Runs schema work on a connection of its own in auto-commit (DDL commits anyway), without a
   * network bound; any failure is {@link StoreUnavailableException}, as {@link
   * SqlErrors#translateMigrationFailure} words it.
   */
  public <T> T withSchemaConnection(String what, Work<T> work) {
    Connection connection = connect(what);
    try {
      return inAutoCommitOn(connection, work);
    } catch (SQLException e) {
      throw SqlErrors.translateMigrationFailure(e, what, dialect);
    } finally {
      closeQuietly(connection, what);
    }
  }

  /**
   * A connection whose caller ends it with {@link #closeQuietly}, as for a lock held beside other
   * work.
   *
   * @throws AccessTokenException if none can be had, with the driver's exception as the cause
   */
  public Connection connect(String what) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlErrors.translateConnectFailure(e, what, dialect);
    }
  }

  /**
   * A connection its caller keeps for long and watches itself (the change listener's, which logs a
   * failure and tries again): auto-commit, and a driver that waits at most {@code
   * networkTimeoutMillis} for any answer. Failures are the caller's to handle, untranslated; end it
   * with {@link #discard} or {@link #closeQuietly}.
   */
  public Connection hold(String what, int networkTimeoutMillis) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(true);
      connection.setNetworkTimeout(DIRECT, networkTimeoutMillis);
      return connection;
    } catch (SQLException | RuntimeException e) {
      discard(connection, what);
      throw e;
    }
  }

  /**
   * Runs {@code work} as one transaction on {@code connection}: committed if it returns, rolled
   * back if it throws; a connection in auto-commit is put back in it.
   */
  public static <T> T transaction(Connection connection, String operation, Work<T> work)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    if (autoCommit) {
      connection.setAutoCommit(false);
    }
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(connection, operation);
      throw e;
    } finally {
      if (autoCommit) {
        restoreAutoCommit(connection, operation);
      }
    }
  }

  // ---- cleanup: nothing here may hide the failure or the result it follows
  // -------------------------

  /** Closes {@code connection}; a failure is only logged (the work before it is done or failed). */
  public static void closeQuietly(Connection connection, String what) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      log.debug("Closing the connection of {} failed {}", what, SqlErrors.codesOf(e));
    }
  }

  /**
   * A connection that failed: aborted, so a pool does not hand it out again as it is, then closed.
   */
  public static void discard(@Nullable Connection connection, String what) {
    if (connection == null) {
      return;
    }
    try {
      connection.abort(DIRECT);
    } catch (SQLException | RuntimeException e) {
      log.debug("Aborting the connection of {} failed {}", what, SqlErrors.codesOf(e));
    }
    closeQuietly(connection, what);
  }

  private static void rollbackQuietly(Connection connection, String operation) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("Rollback after a failed {} failed too {}", operation, SqlErrors.codes(e));
    }
  }

  /**
   * After the transaction ended: a failure here changes nothing that was written, so it is only
   * logged.
   */
  private static void restoreAutoCommit(Connection connection, String operation) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      log.debug("Restoring auto-commit after a {} failed {}", operation, SqlErrors.codes(e));
    }
  }

  // ---- the network bound
  // ---------------------------------------------------------------------------

  private Connection open(String operation, @Nullable TokenId id) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlErrors.translateConnectFailure(e, describe(operation, id), dialect);
    }
  }

  /**
   * Bounds how long the driver waits for any answer on {@code connection} to {@code millis}, unless
   * it already waits less: a host whose driver has a socket timeout this short ({@code
   * socketTimeout} on pgjdbc and MariaDB) saves the two calls per operation. Returns the timeout to
   * restore, or {@link #UNCHANGED}.
   */
  private static int boundNetworkWait(Connection connection, int millis, String operation) {
    try {
      int current = connection.getNetworkTimeout();
      if (current > 0 && current <= millis) {
        return UNCHANGED;
      }
      connection.setNetworkTimeout(DIRECT, millis);
      return current;
    } catch (SQLException | UnsupportedOperationException | AbstractMethodError e) {
      // A driver without network timeouts: a write's query timeout is then the only bound.
      log.debug(
          "No network timeout for {} on this driver ({})", operation, e.getClass().getSimpleName());
      return UNCHANGED;
    }
  }

  /** Gives the connection back with the network timeout it came with (pools keep connections). */
  private static void restoreNetworkWait(
      Connection connection, int networkTimeout, String operation) {
    if (networkTimeout == UNCHANGED) {
      return;
    }
    try {
      if (!connection.isClosed()) {
        connection.setNetworkTimeout(DIRECT, networkTimeout);
      }
    } catch (SQLException e) {
      log.debug("Restoring the network timeout after {} failed {}", operation, SqlErrors.codes(e));
    }
  }

  /** A stored row broke a rule of the domain: it was not written by this store. */
  private static AccessTokenException unreadable(
      String operation, @Nullable TokenId id, IllegalArgumentException e) {
    return new StoreUnavailableException(
        describe(operation, id)
            + " read a row this store did not write, which breaks a rule: "
            + e.getMessage());
  }
}
