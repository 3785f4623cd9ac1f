package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractSecretLeakTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The secret-leak scan on H2, in memory. */
class H2SecretLeakTest extends AbstractSecretLeakTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TokenStore createStore() {
    return DB.emptyStore();
  }
}
