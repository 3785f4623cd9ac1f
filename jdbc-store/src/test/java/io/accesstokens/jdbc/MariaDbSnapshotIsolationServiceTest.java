package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action of the page on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationServiceTest extends AbstractTokenServiceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
