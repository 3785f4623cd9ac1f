package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TokenStore contract on the PostgreSQL server named by ACCESS_TOKENS_TEST_POSTGRESQL_URL. */
class PostgresStoreContractTest extends AbstractTokenStoreContractTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
