package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store's own checks on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationJdbcStoreTest extends AbstractJdbcStoreTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
