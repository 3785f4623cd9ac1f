package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTwoNodeConcurrencyTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes, each a store with a connection pool of its own, on MariaDB with
 * innodb_snapshot_isolation=ON in every session (lost races surface as error 1020).
 */
class MariaDbSnapshotIsolationTwoNodeConcurrencyTest extends AbstractTwoNodeConcurrencyTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDbSnapshotIsolation();

  @Override
  protected TokenStore[] createNodeStores() {
    DB.emptyStore();
    return new TokenStore[] {
      JdbcTokenStore.builder(DB.newPool(4)).tablePrefix(DB.prefix()).build(),
      JdbcTokenStore.builder(DB.newPool(4)).tablePrefix(DB.prefix()).build()
    };
  }
}
