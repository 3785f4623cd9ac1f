package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The change log's feed contract on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationChangeFeedTest extends AbstractJdbcChangeFeedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
