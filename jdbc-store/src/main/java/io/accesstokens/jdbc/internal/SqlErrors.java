package io.accesstokens.jdbc.internal;

import io.accesstokens.AccessTokenException;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one place where SQL errors become this library's exceptions: the standard SQLState classes
 * and JDBC's exception types here, each database's own codes in its {@link Dialect} ({@link
 * VendorCodes}).
 *
 * <p>A driver's message is never copied and a failed statement's exception is never attached as a
 * cause: drivers put the offending values into their messages (PostgreSQL and H2 quote a duplicate
 * key, digest bytes included). Our messages carry the SQLState, the vendor code and the exception's
 * class instead. Only a failure to obtain a connection, when no statement and no value has been
 * sent, keeps the driver's exception as the cause, since it says why the database could not be
 * reached.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** What a failure means for the caller. */
  public enum Kind {
    /** A constraint refused the write (SQLState class 23): a duplicate id or digest. */
    CONSTRAINT,
    /** The database rolled the transaction back for a concurrent one: serialization, deadlock. */
    CONFLICT,
    /**
     * The database could not be reached or did not answer in time, or the thread was interrupted.
     */
    UNAVAILABLE,
    /** Anything else: the statement itself failed (a missing table, say). */
    FAILED
  }

  /**
   * What only one database's vendor codes (or its own SQLStates) say; each {@link Dialect} answers
   * for its database, and null for what the standard rules decide.
   */
  @FunctionalInterface
  public interface VendorCodes {
    /**
     * What {@code sqlState} and {@code vendorCode} mean on this database, or null if nothing
     * special.
     */
    @Nullable Kind classify(String sqlState, int vendorCode);
  }

  /**
   * Query canceled (a statement timeout on PostgreSQL and H2), and the timeouts of ODBC and JDBC.
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57014", "HYT00", "HYT01");

  /**
   * How to read {@code e} on a database whose own codes {@code vendor} knows. An interrupt outranks
   * everything: the caller's thread must stop. Then the standard: a constraint (class 23), a
   * transaction rolled back for another (class 40), the database's own codes, and a connection or
   * resource failure or a timeout.
   */
  public static Kind classify(SQLException e, VendorCodes vendor) {
    if (interrupted(e)) {
      return Kind.UNAVAILABLE;
    }
    String state = sqlState(e);
    if (e instanceof SQLIntegrityConstraintViolationException || state.startsWith("23")) {
      return Kind.CONSTRAINT;
    }
    if (e instanceof SQLTransactionRollbackException || state.startsWith("40")) {
      return Kind.CONFLICT;
    }
    Kind own = vendor.classify(state, vendorCode(e));
    if (own != null) {
      return own;
    }
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || e instanceof SQLTimeoutException
        || state.startsWith("08")
        || state.startsWith("53")
        || UNAVAILABLE_STATES.contains(state)) {
      return Kind.UNAVAILABLE;
    }
    return Kind.FAILED;
  }

  /**
   * The exception for a statement that failed during {@code operation} (for example {@code "insert
   * of token 0abcDEF1234"}); restores the thread's interrupt status if the failure was an
   * interrupt.
   */
  public static AccessTokenException translate(
      SQLException e, String operation, VendorCodes vendor) {
    return translate(e, operation, vendor, false);
  }

  /**
   * The exception for a failure to obtain a connection; the driver's exception is kept as the
   * cause.
   */
  public static AccessTokenException translateConnectFailure(
      SQLException e, String operation, VendorCodes vendor) {
    return translate(e, operation, vendor, true);
  }

  /**
   * The exception for a failed schema migration: always {@link StoreUnavailableException} (a
   * constraint or a conflict there says nothing about tokens), with the codes and, for class 42, a
   * hint.
   */
  public static StoreUnavailableException translateMigrationFailure(
      SQLException e, String operation, VendorCodes vendor) {
    String codes = codes(e);
    if (interrupted(e)) {
      Thread.currentThread().interrupt();
      return new StoreUnavailableException(
          operation + " was interrupted; the interrupt is kept " + codes);
    }
    return new StoreUnavailableException(
        operation
            + (classify(e, vendor) == Kind.UNAVAILABLE
                ? " failed: the database is unreachable or did not answer in time "
                : " failed: the database refused a statement ")
            + codes);
  }

  private static AccessTokenException translate(
      SQLException e, String operation, VendorCodes vendor, boolean keepCause) {
    String codes = codes(e);
    if (interrupted(e)) {
      Thread.currentThread().interrupt();
      return unavailable(
          operation + " was interrupted; the interrupt is kept " + codes, keepCause ? e : null);
    }
    return switch (classify(e, vendor)) {
      case CONSTRAINT ->
          new DuplicateTokenException(
              operation
                  + " was refused: a token with the same id or digest is already stored "
                  + codes);
      case CONFLICT ->
          new TokenConflictException(
              operation
                  + " lost a race with a concurrent change and was rolled back; read the token"
                  + " again "
                  + codes);
      case UNAVAILABLE ->
          unavailable(
              operation + " failed: the database is unreachable or did not answer in time " + codes,
              keepCause ? e : null);
      case FAILED ->
          unavailable(
              operation
                  + " failed: the database refused the statement "
                  + codes
                  + (sqlState(e).startsWith("42")
                      ? "; has JdbcTokenStore.migrate() run on this database?"
                      : ""),
              keepCause ? e : null);
    };
  }

  private static StoreUnavailableException unavailable(String message, @Nullable Throwable cause) {
    return cause == null
        ? new StoreUnavailableException(message)
        : new StoreUnavailableException(message, cause);
  }

  /** "[SQLState 23505, vendor code 0, PSQLException]": what a log reader needs, and no data. */
  public static String codes(SQLException e) {
    return "[SQLState "
        + (sqlState(e).isEmpty() ? "none" : sqlState(e))
        + ", vendor code "
        + vendorCode(e)
        + ", "
        + e.getClass().getSimpleName()
        + "]";
  }

  /**
   * {@link #codes} of a {@link SQLException}, else the failure's class: what a log line may say.
   */
  public static String codesOf(Exception e) {
    return e instanceof SQLException sql ? codes(sql) : "[" + e.getClass().getSimpleName() + "]";
  }

  /** The first SQLState in the chain (pools and drivers wrap), or "". */
  static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }

  /** The first non-zero vendor code in the chain, or 0. */
  static int vendorCode(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
        return sql.getErrorCode();
      }
    }
    return 0;
  }

  /** Whether the thread is interrupted, or the failure was caused by an interrupt. */
  static boolean interrupted(Throwable failure) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
