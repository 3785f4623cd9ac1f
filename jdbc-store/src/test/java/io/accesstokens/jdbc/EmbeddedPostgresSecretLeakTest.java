package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secret-leak scan on the embedded PostgreSQL. */
class EmbeddedPostgresSecretLeakTest extends AbstractSecretLeakTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
