package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTenantIsolationTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenant isolation, every action with every other organization's ids and values, on a MariaDB
 * server.
 */
class MariaDbTenantIsolationTest extends AbstractTenantIsolationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyPooledStore();
  }
}
