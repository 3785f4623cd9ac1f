package io.accesstokens.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the newest schema version this library knows, under the dialect's {@link
 * MigrationLock}, which keeps several nodes starting at once from applying a migration twice.
 * Applied versions are rows of {@code <prefix>schema_version}.
 */
public final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  private final JdbcAccess jdbc;
  private final SqlStatements sql;
  private final List<Migration> migrations;
  private final MigrationLock.Context lock;

  /**
   * A migrator of the tables of {@code sql}'s prefix.
   *
   * @param migrations the versions to bring the database to, oldest first ({@link Migration#of})
   * @param lockTimeout the longest to wait while another node migrates
   */
  public SchemaMigrator(
      JdbcAccess jdbc, SqlStatements sql, List<Migration> migrations, Duration lockTimeout) {
    this.jdbc = jdbc;
    this.sql = sql;
    this.migrations = List.copyOf(migrations);
    this.lock =
        new MigrationLock.Context(
            jdbc,
            sql,
            lockTimeout,
            "migration of the token store schema (table prefix " + sql.prefix() + ")");
  }

  /**
   * Applies every migration the database lacks, each exactly once even when several nodes call this
   * at once.
   *
   * @return the versions this call applied, in order; empty when the schema was current
   */
  public List<Integer> migrate() {
    return jdbc.withSchemaConnection(lock.what(), this::migrateLocked);
  }

  @SuppressWarnings("try") // the lock is held for the block, never used in it
  private List<Integer> migrateLocked(Connection work) throws SQLException {
    try (MigrationLock.Held held = sql.dialect().migrationLock().acquire(lock, work)) {
      JdbcAccess.execute(work, sql.get(Sql.CREATE_SCHEMA_VERSION_TABLE));
      NavigableSet<Integer> applied = appliedVersions(work);
      List<Integer> done = new ArrayList<>();
      for (Migration migration : migrations) {
        if (!applied.contains(migration.version())) {
          apply(work, migration);
          done.add(migration.version());
        }
      }
      int newest = migrations.get(migrations.size() - 1).version();
      if (!applied.isEmpty() && applied.last() > newest) {
        log.warn(
            "The token store schema (prefix {}) is at version {}, newer than this library's {}",
            sql.prefix(),
            applied.last(),
            newest);
      }
      if (done.isEmpty()) {
        log.debug("Token store schema (prefix {}) is current at version {}", sql.prefix(), newest);
      }
      return done;
    }
  }

  private NavigableSet<Integer> appliedVersions(Connection work) throws SQLException {
    NavigableSet<Integer> applied = new TreeSet<>();
    try (Statement statement = work.createStatement();
        ResultSet rs = statement.executeQuery(sql.get(Sql.SELECT_SCHEMA_VERSIONS))) {
      while (rs.next()) {
        applied.add(rs.getInt(1));
      }
    }
    return applied;
  }

  /**
   * The migration's statements and its version row; in one transaction where DDL is transactional,
   * else one by one (the files are written so that a rerun after a failure half-way completes).
   */
  private void apply(Connection work, Migration migration) throws SQLException {
    List<String> statements = SchemaScript.statements(SchemaScript.load(migration.file()));
    JdbcAccess.Work<Migration> applying =
        connection -> {
          for (String statement : statements) {
            JdbcAccess.execute(connection, sql.resolve(statement));
          }
          try (PreparedStatement insert =
              connection.prepareStatement(sql.get(Sql.INSERT_SCHEMA_VERSION))) {
            insert.setInt(1, migration.version());
            insert.setString(2, migration.description());
            insert.executeUpdate();
          }
          return migration;
        };
    if (sql.dialect().transactionalDdl()) {
      JdbcAccess.transaction(work, "migration to schema version " + migration.version(), applying);
    } else {
      applying.run(work);
    }
    log.info(
        "Applied token store schema version {} ({}) from {} with table prefix {}",
        migration.version(),
        migration.description(),
        migration.file(),
        sql.prefix());
  }
}
