package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secret-leak scan on the PostgreSQL server named by ACCESS_TOKENS_TEST_POSTGRESQL_URL. */
class PostgresSecretLeakTest extends AbstractSecretLeakTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
