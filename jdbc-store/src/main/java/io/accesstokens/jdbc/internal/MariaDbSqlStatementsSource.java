package io.accesstokens.jdbc.internal;

/**
 * MariaDB and MySQL: the version table in InnoDB with utf8mb4, and a named lock ({@code GET_LOCK},
 * scoped to the current database) around migrations. Deletes read the row FOR UPDATE first, since
 * MySQL has no {@code DELETE ... RETURNING}.
 */
public class MariaDbSqlStatementsSource extends SqlStatementsSource {
  static final String CREATE_SCHEMA_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS ${prefix}schema_version ("
          + " version INT NOT NULL,"
          + " description VARCHAR(200) NOT NULL,"
          + " applied_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) NOT NULL,"
          + " CONSTRAINT ${prefix}schema_version_pk PRIMARY KEY (version))"
          + " ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

  /**
   * Lock names are server-wide, so the name adds the current database to the bound name (at most 29
   * characters), cut so the whole stays within MySQL's 64. Binds the name and the wait in seconds;
   * answers 1 when taken, 0 when the wait passed.
   */
  static final String GET_LOCK = "SELECT GET_LOCK(CONCAT(?, LEFT(COALESCE(DATABASE(), ''), 35)), ?)";
  static final String RELEASE_LOCK = "SELECT RELEASE_LOCK(CONCAT(?, LEFT(COALESCE(DATABASE(), ''), 35)))";

  @Override
  public String createSchemaVersionTable() {
    return CREATE_SCHEMA_VERSION_TABLE;
  }

  @Override
  public MigrationLockKind migrationLockKind() {
    return MigrationLockKind.NAMED_LOCK;
  }

  @Override
  public String migrationLock() {
    return GET_LOCK;
  }

  @Override
  public String migrationUnlock() {
    return RELEASE_LOCK;
  }
}
