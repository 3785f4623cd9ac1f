package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenServiceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action of the page on the embedded PostgreSQL. */
class EmbeddedPostgresServiceTest extends AbstractTokenServiceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
