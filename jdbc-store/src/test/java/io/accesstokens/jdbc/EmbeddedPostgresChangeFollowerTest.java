package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Core's change follower suite with the tokens in the embedded PostgreSQL. */
class EmbeddedPostgresChangeFollowerTest extends AbstractJdbcChangeFollowerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
