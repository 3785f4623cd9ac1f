package io.accesstokens.jdbc.internal;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL 12 or later: deletes in one statement with {@code RETURNING}, announces every change
 * with {@code pg_notify} on the channel {@code <prefix>changes}, migrates under a session-level
 * advisory lock ({@link MigrationLock#ADVISORY_KEY}) and runs each migration with its version row
 * in one transaction (DDL is transactional).
 */
public final class PostgresDialect extends Dialect {
  /** Admin shutdown, crash shutdown, cannot connect now, lock not available (lock_timeout). */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "55P03");

  public PostgresDialect() {
    super(
        "postgresql",
        MigrationLock.ADVISORY_KEY,
        Map.of(
            Sql.DELETE_RETURNING,
            """
            DELETE FROM ${prefix}tokens WHERE id_key = ? AND organization = ?
            RETURNING ${tokenColumns}
            """,
            // The change insert and its notification in one statement, so the sequence is taken
            // and announced by the transaction's last statement; PostgreSQL delivers the
            // notification at commit, and never for a transaction that rolls back.
            Sql.INSERT_CHANGE,
            """
            WITH logged AS (INSERT INTO ${prefix}changes (id_key, change_type, version, changed_at)
            VALUES (?, ?, ?, ?) RETURNING seq)
            SELECT pg_notify(?, CAST(seq AS VARCHAR)) FROM logged
            """,
            // Channel names are identifiers, so the prefix (checked against its allow-list) is
            // the text.
            Sql.LISTEN,
            """
            LISTEN ${prefix}changes
            """,
            Sql.UNLISTEN,
            """
            UNLISTEN ${prefix}changes
            """,
            Sql.INSERT_TOKEN_COUNT,
            """
            INSERT INTO ${prefix}organization_counts (organization, token_count)
            SELECT ?, COUNT(*) FROM ${prefix}tokens WHERE organization = ?
            ON CONFLICT (organization) DO NOTHING
            """,
            Sql.CREATE_SCHEMA_VERSION_TABLE,
            """
            CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
            version INT NOT NULL,
            description VARCHAR(200) NOT NULL,
            applied_at TIMESTAMPTZ DEFAULT now() NOT NULL,
            CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))
            """,
            // Waits for the lock; the statement's query timeout bounds the wait (57014 when
            // it passes).
            Sql.MIGRATION_LOCK,
            """
            SELECT pg_advisory_lock(?)
            """,
            Sql.MIGRATION_UNLOCK,
            """
            SELECT pg_advisory_unlock(?)
            """));
  }

  @Override
  public boolean speaks(String productName) {
    return productName.startsWith("postgresql");
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }

  @Override
  public boolean notifiesChanges() {
    return true;
  }

  @Override
  public SqlErrors.@Nullable Kind classify(String sqlState, int vendorCode) {
    return UNAVAILABLE_STATES.contains(sqlState) ? SqlErrors.Kind.UNAVAILABLE : null;
  }
}
