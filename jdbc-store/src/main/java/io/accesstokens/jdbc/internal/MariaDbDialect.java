package io.accesstokens.jdbc.internal;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB 10.5 or later, and MySQL 8.0.16 or later (the same SQL): the version table in InnoDB with
 * utf8mb4, and a named lock ({@code GET_LOCK}, scoped to the current database) around migrations
 * ({@link MigrationLock#NAMED_LOCK}). Deletes read the row FOR UPDATE first, since MySQL has no
 * {@code DELETE ... RETURNING}; DDL commits, so each migration is applied statement by statement.
 */
public final class MariaDbDialect extends Dialect {
  /** "Record has changed since last read" ({@code innodb_snapshot_isolation}). */
  static final int RECORD_CHANGED = 1020;

  /** Lock wait timeout exceeded; max_statement_time exceeded. */
  private static final Set<Integer> TIMEOUTS = Set.of(1205, 1969);

  /** Query execution was interrupted (max_statement_time). */
  private static final String INTERRUPTED_STATE = "70100";

  public MariaDbDialect() {
    super(
        "mariadb",
        MigrationLock.NAMED_LOCK,
        Map.of(
            // The list index forced on the unfiltered page: after a cursor deep in a large
            // organization MariaDB otherwise picks ref on the organization alone and walks every
            // entry before the cursor (0.4 s at 900,000; 0.2 ms as a range). Filtered pages keep
            // the optimizer's choice of the status and environment indexes of V3.
            Sql.LIST_UNFILTERED,
            """
            SELECT ${tokenColumns} FROM ${prefix}tokens FORCE INDEX (${prefix}tokens_list_ix)
            WHERE organization = ?
            [AND created_at >= ? AND (created_at > ? OR id_key > ?)]
            ORDER BY created_at, id_key LIMIT ?
            """,
            Sql.INSERT_TOKEN_COUNT,
            """
            INSERT IGNORE INTO ${prefix}organization_counts (organization, token_count)
            SELECT ?, COUNT(*) FROM ${prefix}tokens WHERE organization = ?
            """,
            Sql.CREATE_SCHEMA_VERSION_TABLE,
            """
            CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
            version INT NOT NULL,
            description VARCHAR(200) NOT NULL,
            applied_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) NOT NULL,
            CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))
            ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
            """,
            // Lock names are server-wide, so the name adds the current database to the bound
            // name (at most 29 characters), cut so the whole stays within MySQL's 64. Binds the
            // name and the wait in seconds; answers 1 when taken, 0 when the wait passed.
            Sql.MIGRATION_LOCK,
            """
            SELECT GET_LOCK(CONCAT(?, LEFT(COALESCE(DATABASE(), ''), 35)), ?)
            """,
            Sql.MIGRATION_UNLOCK,
            """
            SELECT RELEASE_LOCK(CONCAT(?, LEFT(COALESCE(DATABASE(), ''), 35)))
            """));
  }

  @Override
  public boolean speaks(String productName) {
    return productName.startsWith("mariadb") || productName.startsWith("mysql");
  }

  @Override
  public SqlErrors.@Nullable Kind classify(String sqlState, int vendorCode) {
    if (vendorCode == RECORD_CHANGED) {
      return SqlErrors.Kind.CONFLICT;
    }
    if (TIMEOUTS.contains(vendorCode) || sqlState.equals(INTERRUPTED_STATE)) {
      return SqlErrors.Kind.UNAVAILABLE;
    }
    return null;
  }
}
