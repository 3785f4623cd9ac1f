package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** a MariaDB server's duplicate-key text stays out of our messages and logs. */
class MariaDbServerErrorTextTest extends AbstractServerErrorTextTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
