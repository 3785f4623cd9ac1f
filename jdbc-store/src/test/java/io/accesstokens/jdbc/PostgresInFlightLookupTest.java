package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Cache loads in flight during real deactivations and deletes on an external PostgreSQL server. */
class PostgresInFlightLookupTest extends AbstractInFlightLookupTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
