package io.accesstokens.jdbc.internal;

import io.accesstokens.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code migrate()} keeps several nodes starting at once from applying a migration twice: each
 * {@link Dialect} names one, and supplies its statements. The lock is waited for at most the
 * migration lock timeout; a wait that passes says so ({@link StoreUnavailableException}).
 */
public enum MigrationLock {
  /**
   * A session-level lock named by a number ({@link Sql#MIGRATION_LOCK} binds the key, a stable hash
   * of the prefix); the statement's query timeout bounds the wait. PostgreSQL's advisory locks.
   */
  ADVISORY_KEY {
    @Override
    Held acquire(Context context, Connection work) throws SQLException {
      long key = advisoryKey(context.sql().prefix());
      try (PreparedStatement lock = work.prepareStatement(context.sql().get(Sql.MIGRATION_LOCK))) {
        lock.setQueryTimeout(seconds(context.timeout()));
        lock.setLong(1, key);
        lock.executeQuery().close();
      } catch (SQLException e) {
        throw context.waitFailed(e);
      }
      log.debug(
          "Took the migration lock (advisory key {}) for table prefix {}",
          key,
          context.sql().prefix());
      return releasedBy(work, context.sql(), unlock -> unlock.setLong(1, key));
    }
  },

  /**
   * A session-level lock named by text ({@link Sql#MIGRATION_LOCK} binds the name and the wait in
   * seconds, and answers 1 when taken): MariaDB's and MySQL's {@code GET_LOCK}.
   */
  NAMED_LOCK {
    @Override
    Held acquire(Context context, Connection work) throws SQLException {
      String name = "atk:" + context.sql().prefix() + "@";
      try (PreparedStatement lock = work.prepareStatement(context.sql().get(Sql.MIGRATION_LOCK))) {
        lock.setString(1, name);
        lock.setLong(2, seconds(context.timeout()));
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
          int taken = rs.getInt(1);
          if (rs.wasNull() || taken != 1) {
            throw context.timedOut();
          }
        }
      }
      log.debug("Took the migration lock (named lock) for table prefix {}", context.sql().prefix());
      return releasedBy(work, context.sql(), unlock -> unlock.setString(1, name));
    }
  },

  /**
   * A row held FOR UPDATE in an open transaction of a second connection, under the session's lock
   * timeout (DDL on the working connection commits, so the lock cannot live there); other nodes
   * wait on the same row. For databases without named locks: H2.
   */
  LOCK_ROW {
    @Override
    Held acquire(Context context, Connection work) throws SQLException {
      SqlStatements sql = context.sql();
      Connection holder = context.jdbc().connect(context.what());
      boolean autoCommit = true;
      Long previousTimeout = null;
      try {
        autoCommit = holder.getAutoCommit();
        holder.setAutoCommit(true);
        JdbcAccess.execute(holder, sql.get(Sql.CREATE_SCHEMA_LOCK_TABLE));
        try {
          JdbcAccess.execute(holder, sql.get(Sql.INSERT_SCHEMA_LOCK_ROW));
        } catch (SQLException e) {
          if (SqlErrors.classify(e, sql.dialect()) != SqlErrors.Kind.CONSTRAINT) {
            throw e;
          }
          // Another node inserted the row between our check and our insert: the row is there.
        }
        try (Statement statement = holder.createStatement();
            ResultSet rs = statement.executeQuery(sql.get(Sql.LOCK_TIMEOUT_OF_SESSION))) {
          rs.next();
          previousTimeout = rs.getLong(1);
        }
        setLockTimeout(holder, sql, context.timeout().toMillis());
        holder.setAutoCommit(false);
        try {
          JdbcAccess.execute(holder, sql.get(Sql.LOCK_SCHEMA_LOCK_ROW));
        } catch (SQLException e) {
          throw context.waitFailed(e);
        }
      } catch (SQLException | RuntimeException e) {
        releaseRow(holder, sql, autoCommit, previousTimeout);
        throw e;
      }
      log.debug("Took the migration lock (lock row) for table prefix {}", sql.prefix());
      boolean restoreAutoCommit = autoCommit;
      Long restoreTimeout = previousTimeout;
      return () -> releaseRow(holder, sql, restoreAutoCommit, restoreTimeout);
    }

    private void releaseRow(
        Connection holder, SqlStatements sql, boolean autoCommit, @Nullable Long previousTimeout) {
      try {
        if (!holder.getAutoCommit()) {
          holder.rollback();
        }
        holder.setAutoCommit(autoCommit);
        if (previousTimeout != null) {
          setLockTimeout(holder, sql, previousTimeout);
        }
      } catch (SQLException e) {
        log.debug(
            "Releasing the migration lock row failed {}; closing its connection releases it",
            SqlErrors.codes(e));
      } finally {
        JdbcAccess.closeQuietly(holder, "the migration lock row");
      }
    }

    private void setLockTimeout(Connection connection, SqlStatements sql, long millis)
        throws SQLException {
      try (PreparedStatement set = connection.prepareStatement(sql.get(Sql.SET_LOCK_TIMEOUT))) {
        set.setLong(1, millis);
        set.execute();
      }
    }
  };

  private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);

  /**
   * Takes the lock for the migration that {@code context} describes, waiting at most its timeout.
   */
  abstract Held acquire(Context context, Connection work) throws SQLException;

  /**
   * A session-level lock, released by {@link Sql#MIGRATION_UNLOCK} with its name bound by {@code
   * name}.
   */
  private static Held releasedBy(Connection work, SqlStatements sql, Binding name) {
    return () -> {
      try (PreparedStatement unlock = work.prepareStatement(sql.get(Sql.MIGRATION_UNLOCK))) {
        name.bind(unlock);
        unlock.executeQuery().close();
      }
    };
  }

  /** Binds a statement's parameters. */
  @FunctionalInterface
  private interface Binding {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Held while migrating; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  /**
   * What a lock needs to know of the migration it guards.
   *
   * @param jdbc for a second connection, where the lock needs one
   * @param sql the dialect's statements, resolved for the prefix that names the lock
   * @param timeout the longest the lock is waited for
   * @param what the migration, for messages
   */
  record Context(JdbcAccess jdbc, SqlStatements sql, Duration timeout, String what) {

    /** A lock statement failed: a passed wait says so; anything else is translated as usual. */
    RuntimeException waitFailed(SQLException e) {
      if (SqlErrors.classify(e, sql.dialect()) == SqlErrors.Kind.UNAVAILABLE
          && !SqlErrors.interrupted(e)) {
        String state = SqlErrors.sqlState(e);
        if (state.equals("57014") || state.startsWith("HYT") || state.equals("55P03")) {
          return timedOut();
        }
      }
      return SqlErrors.translateMigrationFailure(e, what, sql.dialect());
    }

    StoreUnavailableException timedOut() {
      return new StoreUnavailableException(
          what
              + " waited "
              + timeout.toSeconds()
              + " s for the migration lock that another node holds while it migrates; call"
              + " migrate() again once it is done");
    }
  }

  /** A stable 64-bit key per prefix (FNV-1a of "access-tokens:" and the prefix). */
  static long advisoryKey(String prefix) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : ("access-tokens:" + prefix).getBytes(StandardCharsets.US_ASCII)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  private static int seconds(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toSeconds()));
  }
}
