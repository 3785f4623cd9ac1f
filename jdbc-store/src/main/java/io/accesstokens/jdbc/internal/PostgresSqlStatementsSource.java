package io.accesstokens.jdbc.internal;

/**
 * PostgreSQL: deletes in one statement with {@code RETURNING}, migrates under a session-level advisory
 * lock, and runs each migration with its version row in one transaction (DDL is transactional).
 */
public class PostgresSqlStatementsSource extends SqlStatementsSource {
  static final String DELETE_RETURNING =
      "DELETE FROM ${prefix}tokens WHERE id_key = ? AND organization = ? RETURNING " + COLUMNS;

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
