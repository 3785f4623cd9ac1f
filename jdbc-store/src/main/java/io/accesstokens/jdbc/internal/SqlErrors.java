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
 * The one place where SQL errors become this library's exceptions.
 *
 * <p>A driver's message is never copied and a failed statement's exception is never attached as a
 * cause: drivers put the offending values into their messages (PostgreSQL and H2 quote a duplicate
 * key, digest bytes included). Our messages carry the SQLState, the vendor code and the exception's
 * class instead. Only a failure to obtain a connection, when no statement and no value has been sent,
 * keeps the driver's exception as the cause, since it says why the database could not be reached.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** What a failure means for the caller. */
  public enum Kind {
    /** A constraint refused the write (SQLState class 23): a duplicate id or digest. */
    CONSTRAINT,
    /** The database rolled the transaction back for a concurrent one: serialization, deadlock. */
    CONFLICT,
    /** The database could not be reached or did not answer in time, or the thread was interrupted. */
    UNAVAILABLE,
    /** Anything else: the statement itself failed (a missing table, say). */
    FAILED
  }

  /** PostgreSQL: query canceled (statement timeout), admin/crash shutdown, cannot connect now, lock_timeout. */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("57014", "57P01", "57P02", "57P03", "55P03", "HYT00", "HYT01", "70100");
  /** MariaDB: "Record has changed since last read" (innodb_snapshot_isolation). */
  static final int MARIADB_RECORD_CHANGED = 1020;
  /** MariaDB: lock wait timeout exceeded; max_statement_time exceeded. */
  private static final Set<Integer> MARIADB_TIMEOUTS = Set.of(1205, 1969);
  /** H2: concurrent update of the same row in another transaction. */
  static final int H2_CONCURRENT_UPDATE = 90131;

  /** How to read {@code e}. An interrupt outranks everything: the caller's thread must stop. */
  public static Kind classify(SQLException e) {
    if (interrupted(e)) {
      return Kind.UNAVAILABLE;
    }
    String state = sqlState(e);
    int code = vendorCode(e);
    if (e instanceof SQLIntegrityConstraintViolationException || state.startsWith("23")) {
      return Kind.CONSTRAINT;
    }
    if (e instanceof SQLTransactionRollbackException || state.startsWith("40")
        || code == MARIADB_RECORD_CHANGED || code == H2_CONCURRENT_UPDATE) {
      return Kind.CONFLICT;
    }
    if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException || e instanceof SQLTimeoutException
        || state.startsWith("08") || state.startsWith("53") || UNAVAILABLE_STATES.contains(state)
        || MARIADB_TIMEOUTS.contains(code)) {
      return Kind.UNAVAILABLE;
    }
    return Kind.FAILED;
  }

  /**
   * The exception for a statement that failed during {@code operation} (for example
   * {@code "insert of token 0abcDEF1234"}); restores the thread's interrupt status if the failure was
   * an interrupt.
   */
  public static AccessTokenException translate(SQLException e, String operation) {
    return translate(e, operation, false);
  }

  /** The exception for a failure to obtain a connection; the driver's exception is kept as the cause. */
  public static AccessTokenException translateConnectFailure(SQLException e, String operation) {
    return translate(e, operation, true);
  }

  /**
   * The exception for a failed schema migration: always {@link StoreUnavailableException} (a constraint
   * or a conflict there says nothing about tokens), with the codes and, for class 42, a hint.
   */
  public static StoreUnavailableException translateMigrationFailure(SQLException e, String operation) {
    String codes = codes(e);
    if (interrupted(e)) {
      Thread.currentThread().interrupt();
      return new StoreUnavailableException(operation + " was interrupted; the interrupt is kept " + codes);
    }
    return new StoreUnavailableException(operation + (classify(e) == Kind.UNAVAILABLE
        ? " failed: the database is unreachable or did not answer in time "
        : " failed: the database refused a statement ") + codes);
  }

  private static AccessTokenException translate(SQLException e, String operation, boolean keepCause) {
    String codes = codes(e);
    if (interrupted(e)) {
      Thread.currentThread().interrupt();
      return unavailable(operation + " was interrupted; the interrupt is kept " + codes, keepCause ? e : null);
    }
    return switch (classify(e)) {
      case CONSTRAINT -> new DuplicateTokenException(
          operation + " was refused: a token with the same id or digest is already stored " + codes);
      case CONFLICT -> new TokenConflictException(
          operation + " lost a race with a concurrent change and was rolled back; read the token again "
              + codes);
      case UNAVAILABLE -> unavailable(
          operation + " failed: the database is unreachable or did not answer in time " + codes,
          keepCause ? e : null);
      case FAILED -> unavailable(
          operation + " failed: the database refused the statement " + codes
              + (sqlState(e).startsWith("42") ? "; has JdbcTokenStore.migrate() run on this database?" : ""),
          keepCause ? e : null);
    };
  }

  private static StoreUnavailableException unavailable(String message, @Nullable Throwable cause) {
    return cause == null ? new StoreUnavailableException(message) : new StoreUnavailableException(message, cause);
  }

  /** "[SQLState 23505, vendor code 0, PSQLException]": what a log reader needs, and no data. */
  public static String codes(SQLException e) {
    return "[SQLState " + (sqlState(e).isEmpty() ? "none" : sqlState(e)) + ", vendor code " + vendorCode(e)
        + ", " + e.getClass().getSimpleName() + "]";
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
      if (t instanceof InterruptedException || t instanceof ClosedByInterruptException
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
