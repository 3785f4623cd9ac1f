package io.accesstokens.jdbc.internal;

import io.accesstokens.jdbc.JdbcDialect;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of the store as named templates, in the portable form H2 takes; a dialect's subclass
 * overrides only the statements that differ. {@code ${prefix}} in a template stands for the table
 * prefix, the only text ever substituted (by {@link SqlStatements}); every value is a bound parameter.
 */
public class SqlStatementsSource {
  /** The placeholder for the table prefix in templates and schema files. */
  public static final String PREFIX = "${prefix}";

  /** Every column of a token row, in the order {@link TokenRows#read} reads them. */
  public static final String COLUMNS =
      "id_key, organization, environment, masked_value, status, description, scope, created_at,"
          + " updated_at, version, digest_key_id, digest, sealed_key_id, sealed_value";

  static final String INSERT =
      "INSERT INTO ${prefix}tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static final String FIND_BY_ID =
      "SELECT " + COLUMNS + " FROM ${prefix}tokens WHERE id_key = ? AND organization = ?";

  static final String FIND_BY_DIGEST =
      "SELECT " + COLUMNS + " FROM ${prefix}tokens WHERE digest = ? AND digest_key_id = ?";

  /** The list's head; the filters and the cursor below follow it in this order, then the tail. */
  static final String LIST_HEAD = "SELECT " + COLUMNS + " FROM ${prefix}tokens WHERE organization = ?";
  static final String LIST_ENVIRONMENT = " AND environment = ?";
  static final String LIST_STATUS = " AND status = ?";
  /**
   * Strictly after (created_at, id_key) of the cursor; binds created_at, created_at, id_key. The first
   * term gives every engine a range start on the list index.
   */
  static final String LIST_AFTER = " AND created_at >= ? AND (created_at > ? OR id_key > ?)";
  static final String LIST_TAIL = " ORDER BY created_at, id_key LIMIT ?";

  static final String SCAN_FIRST = "SELECT " + COLUMNS + " FROM ${prefix}tokens ORDER BY id_key LIMIT ?";
  static final String SCAN_AFTER =
      "SELECT " + COLUMNS + " FROM ${prefix}tokens WHERE id_key > ? ORDER BY id_key LIMIT ?";

  /** The compare-and-set: binds the mutable fields, then id_key, organization and expected version. */
  static final String UPDATE =
      "UPDATE ${prefix}tokens SET status = ?, description = ?, updated_at = ?, version = ?,"
          + " digest_key_id = ?, digest = ?, sealed_key_id = ?, sealed_value = ?"
          + " WHERE id_key = ? AND organization = ? AND version = ?";

  /**
   * After an update changed nothing: is the row absent, or at another version? A locking read, so it
   * sees the newest committed row even in a transaction whose snapshot is older (MariaDB's REPEATABLE
   * READ).
   */
  static final String VERSION_OF =
      "SELECT version FROM ${prefix}tokens WHERE id_key = ? AND organization = ? FOR UPDATE";

  static final String LOCK_FOR_DELETE =
      "SELECT " + COLUMNS + " FROM ${prefix}tokens WHERE id_key = ? AND organization = ? FOR UPDATE";
  static final String DELETE = "DELETE FROM ${prefix}tokens WHERE id_key = ? AND organization = ?";

  // ---- the change log (schema version 2) ------------------------------------------------------------

  /** The change log's columns, in the order {@link ChangeRows#read} reads them. */
  public static final String CHANGE_COLUMNS = "seq, id_key, change_type, version, changed_at";

  /**
   * A change, inserted as the last statement of its transaction; the sequence comes from the table's
   * identity. Binds id_key, change_type, version and changed_at.
   */
  static final String INSERT_CHANGE =
      "INSERT INTO ${prefix}changes (id_key, change_type, version, changed_at) VALUES (?, ?, ?, ?)";

  /** Binds the sequence to read after and the limit. */
  static final String CHANGES_AFTER =
      "SELECT " + CHANGE_COLUMNS + " FROM ${prefix}changes WHERE seq > ? ORDER BY seq LIMIT ?";

  /**
   * At least the sequence of every committed change: the newest row (pruning never deletes it), or the
   * marker should the table be empty.
   */
  static final String CHANGE_HEAD =
      "SELECT GREATEST(COALESCE((SELECT MAX(seq) FROM ${prefix}changes), 0),"
          + " COALESCE((SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1), 0))";

  static final String PRUNED_THROUGH = "SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1";

  /** Pruners queue on the marker row, so two never delete at once. */
  static final String LOCK_PRUNE_MARKER =
      "SELECT pruned_through FROM ${prefix}changes_pruned WHERE id = 1 FOR UPDATE";

  /**
   * The newest change written before the cutoff (binds it, in epoch microseconds), never the newest
   * change of all: the newest row keeps {@link #CHANGE_HEAD} honest and an AUTO_INCREMENT counter
   * from restarting at an empty table's 1 on servers that recompute it at startup.
   */
  static final String PRUNE_BOUND =
      "SELECT MAX(seq) FROM ${prefix}changes WHERE changed_at < ?"
          + " AND seq < (SELECT MAX(seq) FROM ${prefix}changes)";

  /** Deletes every change up to the bound (binds it): the marker's promise is "all of them". */
  static final String DELETE_CHANGES_THROUGH = "DELETE FROM ${prefix}changes WHERE seq <= ?";

  /** Binds the new marker twice; never lowers it. */
  static final String RAISE_PRUNE_MARKER =
      "UPDATE ${prefix}changes_pruned SET pruned_through = ? WHERE id = 1 AND pruned_through < ?";

  static final String CREATE_SCHEMA_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS ${prefix}schema_version ("
          + " version INT NOT NULL,"
          + " description VARCHAR(200) NOT NULL,"
          + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,"
          + " CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))";
  static final String SELECT_SCHEMA_VERSIONS = "SELECT version FROM ${prefix}schema_version ORDER BY version";
  static final String INSERT_SCHEMA_VERSION =
      "INSERT INTO ${prefix}schema_version (version, description) VALUES (?, ?)";

  /** H2's migration lock: a row that a migrating node holds FOR UPDATE on a connection of its own. */
  static final String CREATE_SCHEMA_LOCK_TABLE =
      "CREATE TABLE IF NOT EXISTS ${prefix}schema_lock (id INT NOT NULL,"
          + " CONSTRAINT ${prefix}schema_lock_pk PRIMARY KEY (id))";
  static final String INSERT_SCHEMA_LOCK_ROW =
      "INSERT INTO ${prefix}schema_lock (id) SELECT 1 FROM (VALUES (1)) AS one (x)"
          + " WHERE NOT EXISTS (SELECT 1 FROM ${prefix}schema_lock WHERE id = 1)";
  static final String LOCK_SCHEMA_LOCK_ROW = "SELECT id FROM ${prefix}schema_lock WHERE id = 1 FOR UPDATE";
  static final String LOCK_TIMEOUT_OF_SESSION = "SELECT LOCK_TIMEOUT()";
  static final String SET_LOCK_TIMEOUT = "SET LOCK_TIMEOUT ?";

  /** The source of {@code dialect}. */
  public static SqlStatementsSource of(JdbcDialect dialect) {
    return switch (dialect) {
      case H2 -> new SqlStatementsSource();
      case POSTGRESQL -> new PostgresSqlStatementsSource();
      case MARIADB -> new MariaDbSqlStatementsSource();
    };
  }

  /** How {@code migrate()} keeps two nodes from migrating at once. */
  public enum MigrationLockKind {
    /** A row held FOR UPDATE on a second connection (H2 has no named locks). */
    LOCK_ROW,
    /** A session-level lock named by a number: {@link #migrationLock()} binds the key. */
    ADVISORY_KEY,
    /** A session-level lock named by text: {@link #migrationLock()} binds the name and a timeout. */
    NAMED_LOCK
  }

  public String insert() {
    return INSERT;
  }

  public String findById() {
    return FIND_BY_ID;
  }

  public String findByDigest() {
    return FIND_BY_DIGEST;
  }

  public String listHead() {
    return LIST_HEAD;
  }

  public String listEnvironment() {
    return LIST_ENVIRONMENT;
  }

  public String listStatus() {
    return LIST_STATUS;
  }

  public String listAfter() {
    return LIST_AFTER;
  }

  public String listTail() {
    return LIST_TAIL;
  }

  public String scanFirst() {
    return SCAN_FIRST;
  }

  public String scanAfter() {
    return SCAN_AFTER;
  }

  public String update() {
    return UPDATE;
  }

  public String versionOf() {
    return VERSION_OF;
  }

  public String lockForDelete() {
    return LOCK_FOR_DELETE;
  }

  public String delete() {
    return DELETE;
  }

  /**
   * The change insert. Where {@link #notifiesChanges()}, it also notifies, and binds the channel
   * fifth.
   */
  public String insertChange() {
    return INSERT_CHANGE;
  }

  /**
   * Whether {@link #insertChange()} also sends a notification that the database delivers at commit
   * (PostgreSQL's {@code pg_notify}), so a listening follower wakes at once.
   */
  public boolean notifiesChanges() {
    return false;
  }

  public String changesAfter() {
    return CHANGES_AFTER;
  }

  public String changeHead() {
    return CHANGE_HEAD;
  }

  public String prunedThrough() {
    return PRUNED_THROUGH;
  }

  public String lockPruneMarker() {
    return LOCK_PRUNE_MARKER;
  }

  public String pruneBound() {
    return PRUNE_BOUND;
  }

  public String deleteChangesThrough() {
    return DELETE_CHANGES_THROUGH;
  }

  public String raisePruneMarker() {
    return RAISE_PRUNE_MARKER;
  }

  /**
   * For dialects that {@linkplain #notifiesChanges() notify}: starts listening on the change channel,
   * whose name is the prefix's (the only text in it); also the listener's liveness probe.
   */
  public String listen() {
    throw new UnsupportedOperationException("no change notifications in this dialect");
  }

  /** Stops listening on the change channel, before a listening connection goes back to its pool. */
  public String unlisten() {
    throw new UnsupportedOperationException("no change notifications in this dialect");
  }

  /**
   * A single statement that deletes the row and returns its columns, or {@code null} where the
   * dialect has none (then the row is read {@link #lockForDelete() FOR UPDATE} and deleted).
   */
  public @Nullable String deleteReturning() {
    return null;
  }

  public String createSchemaVersionTable() {
    return CREATE_SCHEMA_VERSION_TABLE;
  }

  public String selectSchemaVersions() {
    return SELECT_SCHEMA_VERSIONS;
  }

  public String insertSchemaVersion() {
    return INSERT_SCHEMA_VERSION;
  }

  /** Whether DDL can run inside a transaction, so a migration and its version row commit together. */
  public boolean transactionalDdl() {
    return false;
  }

  public MigrationLockKind migrationLockKind() {
    return MigrationLockKind.LOCK_ROW;
  }

  /** For {@link MigrationLockKind#LOCK_ROW}: the lock table, its row, and the locking read. */
  public String createSchemaLockTable() {
    return CREATE_SCHEMA_LOCK_TABLE;
  }

  public String insertSchemaLockRow() {
    return INSERT_SCHEMA_LOCK_ROW;
  }

  public String lockSchemaLockRow() {
    return LOCK_SCHEMA_LOCK_ROW;
  }

  /** For {@link MigrationLockKind#LOCK_ROW}: reads the session's lock timeout in milliseconds. */
  public String lockTimeoutOfSession() {
    return LOCK_TIMEOUT_OF_SESSION;
  }

  /** For {@link MigrationLockKind#LOCK_ROW}: sets the session's lock timeout in milliseconds. */
  public String setLockTimeout() {
    return SET_LOCK_TIMEOUT;
  }

  /** For the session-level kinds: takes the lock (one result column; true or 1 when taken). */
  public String migrationLock() {
    throw new UnsupportedOperationException("no session-level migration lock in this dialect");
  }

  /** For the session-level kinds: releases the lock {@link #migrationLock()} took. */
  public String migrationUnlock() {
    throw new UnsupportedOperationException("no session-level migration lock in this dialect");
  }
}
