package io.accesstokens.jdbc.internal;

import io.accesstokens.StoreUnavailableException;
import io.accesstokens.jdbc.JdbcDialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the newest schema version this library knows, under a lock that keeps several
 * nodes starting at once from applying a migration twice: a PostgreSQL advisory lock, a MariaDB named
 * lock ({@code GET_LOCK}), or on H2 a row of {@code <prefix>schema_lock} held FOR UPDATE by a second
 * connection. Applied versions are rows of {@code <prefix>schema_version}.
 */
public final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  /**
   * One step of the schema: version 1 is the dialect's schema file; each later version is a file
   * {@code migration/V<n>-<dialect>.sql} added to {@link #migrations}.
   */
  public record Migration(int version, String description, String file) {}

  /** The migrations of {@code dialect}, oldest first. */
  public static List<Migration> migrations(JdbcDialect dialect) {
    String name = switch (dialect) {
      case H2 -> "h2";
      case POSTGRESQL -> "postgresql";
      case MARIADB -> "mariadb";
    };
    return List.of(
        new Migration(1, "tokens table and its indexes", dialect.schemaFile()),
        new Migration(2, "change log for other nodes' caches", "migration/V2-" + name + ".sql"));
  }

  private final DataSource dataSource;
  private final SqlStatements sql;
  private final SqlStatementsSource source;
  private final List<Migration> migrations;
  private final Duration lockTimeout;
  private final String what;

  public SchemaMigrator(DataSource dataSource, SqlStatements sql, List<Migration> migrations, Duration lockTimeout) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.source = sql.source();
    this.migrations = List.copyOf(migrations);
    this.lockTimeout = lockTimeout;
    this.what = "migration of the token store schema (table prefix " + sql.prefix() + ")";
  }

  /**
   * Applies every migration the database lacks, each exactly once even when several nodes call this at
   * once.
   *
   * @return the versions this call applied, in order; empty when the schema was current
   */
  public List<Integer> migrate() {
    Connection work;
    try {
      work = dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlErrors.translateConnectFailure(e, what);
    }
    try {
      boolean autoCommit = work.getAutoCommit();
      work.setAutoCommit(true);
      try {
        return migrateLocked(work);
      } finally {
        work.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw SqlErrors.translateMigrationFailure(e, what);
    } finally {
      closeQuietly(work);
    }
  }

  @SuppressWarnings("try") // the lock is held for the block, never used in it
  private List<Integer> migrateLocked(Connection work) throws SQLException {
    try (Lock lock = lock(work)) {
      execute(work, sql.resolve(source.createSchemaVersionTable()));
      TreeSet<Integer> applied = appliedVersions(work);
      List<Integer> done = new ArrayList<>();
      for (Migration migration : migrations) {
        if (!applied.contains(migration.version())) {
          apply(work, migration);
          done.add(migration.version());
        }
      }
      int newest = migrations.get(migrations.size() - 1).version();
      if (!applied.isEmpty() && applied.last() > newest) {
        log.warn("The token store schema (prefix {}) is at version {}, newer than this library's {}",
            sql.prefix(), applied.last(), newest);
      }
      if (done.isEmpty()) {
        log.debug("Token store schema (prefix {}) is current at version {}", sql.prefix(), newest);
      }
      return done;
    }
  }

  private TreeSet<Integer> appliedVersions(Connection work) throws SQLException {
    TreeSet<Integer> applied = new TreeSet<>();
    try (Statement statement = work.createStatement();
        ResultSet rs = statement.executeQuery(sql.resolve(source.selectSchemaVersions()))) {
      while (rs.next()) {
        applied.add(rs.getInt(1));
      }
    }
    return applied;
  }

  private void apply(Connection work, Migration migration) throws SQLException {
    List<String> statements = SchemaScript.statements(SchemaScript.load(migration.file()));
    boolean inTransaction = source.transactionalDdl();
    if (inTransaction) {
      work.setAutoCommit(false);
    }
    try {
      for (String statement : statements) {
        execute(work, sql.resolve(statement));
      }
      try (PreparedStatement insert = work.prepareStatement(sql.resolve(source.insertSchemaVersion()))) {
        insert.setInt(1, migration.version());
        insert.setString(2, migration.description());
        insert.executeUpdate();
      }
      if (inTransaction) {
        work.commit();
      }
    } catch (SQLException | RuntimeException e) {
      if (inTransaction) {
        rollbackQuietly(work);
      }
      throw e;
    } finally {
      if (inTransaction) {
        work.setAutoCommit(true);
      }
    }
    log.info("Applied token store schema version {} ({}) from {} with table prefix {}",
        migration.version(), migration.description(), migration.file(), sql.prefix());
  }

  private static void execute(Connection connection, String statementText) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(statementText);
    }
  }

  // ---- the lock ---------------------------------------------------------------------------------------

  /** Held while migrating; closing releases it. */
  private interface Lock extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  private Lock lock(Connection work) throws SQLException {
    return switch (source.migrationLockKind()) {
      case ADVISORY_KEY -> advisoryLock(work);
      case NAMED_LOCK -> namedLock(work);
      case LOCK_ROW -> lockRow();
    };
  }

  /** PostgreSQL: a session-level advisory lock; the statement's timeout bounds the wait. */
  private Lock advisoryLock(Connection work) throws SQLException {
    long key = advisoryKey(sql.prefix());
    try (PreparedStatement lock = work.prepareStatement(source.migrationLock())) {
      lock.setQueryTimeout(seconds(lockTimeout));
      lock.setLong(1, key);
      lock.executeQuery().close();
    } catch (SQLException e) {
      throw lockWaitFailed(e);
    }
    log.debug("Took the migration lock (advisory key {}) for table prefix {}", key, sql.prefix());
    return () -> {
      try (PreparedStatement unlock = work.prepareStatement(source.migrationUnlock())) {
        unlock.setLong(1, key);
        unlock.executeQuery().close();
      }
    };
  }

  /** MariaDB and MySQL: a named lock of this session, waited for at most the lock timeout. */
  private Lock namedLock(Connection work) throws SQLException {
    String name = "atk:" + sql.prefix() + "@";
    try (PreparedStatement lock = work.prepareStatement(source.migrationLock())) {
      lock.setString(1, name);
      lock.setLong(2, seconds(lockTimeout));
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
        int taken = rs.getInt(1);
        if (rs.wasNull() || taken != 1) {
          throw lockTimedOut();
        }
      }
    }
    log.debug("Took the migration lock (named lock) for table prefix {}", sql.prefix());
    return () -> {
      try (PreparedStatement unlock = work.prepareStatement(source.migrationUnlock())) {
        unlock.setString(1, name);
        unlock.executeQuery().close();
      }
    };
  }

  /**
   * H2: a row held FOR UPDATE in an open transaction of a second connection (DDL on the working
   * connection commits, so the lock cannot live there). Other nodes wait on the same row.
   */
  private Lock lockRow() throws SQLException {
    Connection holder;
    try {
      holder = dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlErrors.translateConnectFailure(e, what);
    }
    boolean autoCommit = true;
    Long previousTimeout = null;
    try {
      autoCommit = holder.getAutoCommit();
      holder.setAutoCommit(true);
      execute(holder, sql.resolve(source.createSchemaLockTable()));
      try {
        execute(holder, sql.resolve(source.insertSchemaLockRow()));
      } catch (SQLException e) {
        if (SqlErrors.classify(e) != SqlErrors.Kind.CONSTRAINT) {
          throw e;
        }
        // Another node inserted the row between our check and our insert: the row is there.
      }
      try (Statement statement = holder.createStatement();
          ResultSet rs = statement.executeQuery(source.lockTimeoutOfSession())) {
        rs.next();
        previousTimeout = rs.getLong(1);
      }
      setLockTimeout(holder, lockTimeout.toMillis());
      holder.setAutoCommit(false);
      try {
        execute(holder, sql.resolve(source.lockSchemaLockRow()));
      } catch (SQLException e) {
        throw lockWaitFailed(e);
      }
    } catch (SQLException | RuntimeException e) {
      releaseRow(holder, autoCommit, previousTimeout);
      throw e;
    }
    log.debug("Took the migration lock (lock row) for table prefix {}", sql.prefix());
    boolean restoreAutoCommit = autoCommit;
    Long restoreTimeout = previousTimeout;
    return () -> releaseRow(holder, restoreAutoCommit, restoreTimeout);
  }

  private void releaseRow(Connection holder, boolean autoCommit, @Nullable Long previousTimeout) {
    try {
      if (!holder.getAutoCommit()) {
        holder.rollback();
      }
      holder.setAutoCommit(autoCommit);
      if (previousTimeout != null) {
        setLockTimeout(holder, previousTimeout);
      }
    } catch (SQLException e) {
      log.debug("Releasing the migration lock row failed {}; closing its connection releases it",
          SqlErrors.codes(e));
    } finally {
      closeQuietly(holder);
    }
  }

  private void setLockTimeout(Connection connection, long millis) throws SQLException {
    try (PreparedStatement set = connection.prepareStatement(source.setLockTimeout())) {
      set.setLong(1, millis);
      set.execute();
    }
  }

  /** A lock statement failed: a passed wait says so; anything else is translated as usual. */
  private RuntimeException lockWaitFailed(SQLException e) {
    if (SqlErrors.classify(e) == SqlErrors.Kind.UNAVAILABLE && !SqlErrors.interrupted(e)) {
      String state = SqlErrors.sqlState(e);
      if (state.equals("57014") || state.startsWith("HYT") || state.equals("55P03")) {
        return lockTimedOut();
      }
    }
    return SqlErrors.translateMigrationFailure(e, what);
  }

  private StoreUnavailableException lockTimedOut() {
    return new StoreUnavailableException(what + " waited " + lockTimeout.toSeconds()
        + " s for the migration lock that another node holds while it migrates; call migrate() again"
        + " once it is done");
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

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("Rollback of a failed migration failed {}", SqlErrors.codes(e));
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("Closing a migration connection failed {}", SqlErrors.codes(e));
    }
  }
}
