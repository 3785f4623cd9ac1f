package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action of the page on the MariaDB server named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbServiceTest extends AbstractTokenServiceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
