package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cached validator on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationValidatorTest extends AbstractTokenValidatorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
