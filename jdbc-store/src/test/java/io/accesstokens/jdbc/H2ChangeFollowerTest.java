package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Core's change follower suite with the tokens in H2, in memory. */
class H2ChangeFollowerTest extends AbstractJdbcChangeFollowerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
