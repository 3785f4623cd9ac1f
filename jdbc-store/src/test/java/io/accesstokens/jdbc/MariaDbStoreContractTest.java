package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TokenStore contract on the MariaDB server named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbStoreContractTest extends AbstractTokenStoreContractTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
