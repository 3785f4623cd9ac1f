package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** the embedded PostgreSQL's duplicate-key text stays out of our messages and logs. */
class EmbeddedPostgresServerErrorTextTest extends AbstractServerErrorTextTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
