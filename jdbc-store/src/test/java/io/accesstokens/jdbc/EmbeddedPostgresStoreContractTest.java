package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TokenStore contract on the embedded PostgreSQL. */
class EmbeddedPostgresStoreContractTest extends AbstractTokenStoreContractTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
