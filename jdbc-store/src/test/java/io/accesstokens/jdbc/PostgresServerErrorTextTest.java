package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** an external PostgreSQL server's duplicate-key text stays out of our messages and logs. */
class PostgresServerErrorTextTest extends AbstractServerErrorTextTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
