package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TokenStore contract on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationStoreContractTest extends AbstractTokenStoreContractTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
