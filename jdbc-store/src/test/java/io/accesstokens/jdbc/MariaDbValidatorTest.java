package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cached validator on the MariaDB server named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbValidatorTest extends AbstractTokenValidatorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
