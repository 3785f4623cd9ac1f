package io.accesstokens.jdbc.internal;

/**
 * PostgreSQL: deletes in one statement with {@code RETURNING}, migrates under a session-level advisory
 * lock, runs each migration with its version row in one transaction (DDL is transactional), and
 * announces every change with {@code pg_notify} on the channel {@code <prefix>changes}.
 */
public class PostgresSqlStatementsSource extends SqlStatementsSource {
  static final String DELETE_RETURNING =
      "DELETE FROM ${prefix}tokens WHERE id_key = ? AND organization = ? RETURNING " + COLUMNS;

  /**
   * The change insert and its notification in one statement, so the sequence is taken and announced
   * by the transaction's last statement; PostgreSQL delivers the notification at commit, and never
   * for a transaction that rolls back. Binds id_key, change_type, version, changed_at, the channel.
   */
  static final String INSERT_CHANGE_AND_NOTIFY =
      "WITH logged AS (INSERT INTO ${prefix}changes (id_key, change_type, version, changed_at)"
          + " VALUES (?, ?, ?, ?) RETURNING seq)"
          + " SELECT pg_notify(?, CAST(seq AS VARCHAR)) FROM logged";

  /** Channel names are identifiers, so the prefix (checked against its allow-list) is the text. */
  static final String LISTEN = "LISTEN ${prefix}changes";
  static final String UNLISTEN = "UNLISTEN ${prefix}changes";

  static final String CREATE_SCHEMA_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS ${prefix}schema_version ("
          + " version INT NOT NULL,"
          + " description VARCHAR(200) NOT NULL,"
          + " applied_at TIMESTAMPTZ DEFAULT now() NOT NULL,"
          + " CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))";

  /** Waits for the lock; the statement's query timeout bounds the wait (57014 when it passes). */
  static final String ADVISORY_LOCK = "SELECT pg_advisory_lock(?)";
  static final String ADVISORY_UNLOCK = "SELECT pg_advisory_unlock(?)";

  @Override
  public String insertChange() {
    return INSERT_CHANGE_AND_NOTIFY;
  }

  @Override
  public boolean notifiesChanges() {
    return true;
  }

  @Override
  public String listen() {
    return LISTEN;
  }

  @Override
  public String unlisten() {
    return UNLISTEN;
  }

  @Override
  public String deleteReturning() {
    return DELETE_RETURNING;
  }

  @Override
  public String createSchemaVersionTable() {
    return CREATE_SCHEMA_VERSION_TABLE;
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }

  @Override
  public MigrationLockKind migrationLockKind() {
    return MigrationLockKind.ADVISORY_KEY;
  }

  @Override
  public String migrationLock() {
    return ADVISORY_LOCK;
  }

  @Override
  public String migrationUnlock() {
    return ADVISORY_UNLOCK;
  }
}
