package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secret-leak scan on MariaDB with innodb_snapshot_isolation=ON in every session. */
class MariaDbSnapshotIsolationSecretLeakTest extends AbstractSecretLeakTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
