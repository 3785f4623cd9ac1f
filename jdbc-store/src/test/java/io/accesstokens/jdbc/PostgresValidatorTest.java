package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cached validator on the PostgreSQL server named by ACCESS_TOKENS_TEST_POSTGRESQL_URL. */
class PostgresValidatorTest extends AbstractTokenValidatorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
