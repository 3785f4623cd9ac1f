package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** H2's duplicate-key text stays out of our messages and logs. */
class H2ServerErrorTextTest extends AbstractServerErrorTextTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.h2();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
