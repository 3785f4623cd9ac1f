package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secret-leak scan on the MariaDB server named by ACCESS_TOKENS_TEST_MARIADB_URL. */
class MariaDbSecretLeakTest extends AbstractSecretLeakTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
