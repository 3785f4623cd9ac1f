package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Cache loads in flight during real deactivations and deletes on a MariaDB server. */
class MariaDbInFlightLookupTest extends AbstractInFlightLookupTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.mariaDb();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
