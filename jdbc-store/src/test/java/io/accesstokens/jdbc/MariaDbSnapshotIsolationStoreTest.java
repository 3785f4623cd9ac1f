package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK and the JDBC store's own suites on that MariaDB with innodb_snapshot_isolation=ON in
 * every session (lost races surface as error 1020).
 */
class MariaDbSnapshotIsolationStoreTest extends JdbcStoreTck {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  MariaDbSnapshotIsolationStoreTest() {
    super(DB);
  }
}
