package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenValidatorTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cached validator on the embedded PostgreSQL. */
class EmbeddedPostgresValidatorTest extends AbstractTokenValidatorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
