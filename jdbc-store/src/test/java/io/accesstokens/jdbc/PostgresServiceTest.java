package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action of the page on the PostgreSQL server named by ACCESS_TOKENS_TEST_POSTGRESQL_URL. */
class PostgresServiceTest extends AbstractTokenServiceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
