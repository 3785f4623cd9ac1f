package io.accesstokens.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Cache loads in flight during real deactivations and deletes on the embedded PostgreSQL. */
class EmbeddedPostgresInFlightLookupTest extends AbstractInFlightLookupTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.embeddedPostgres();

  @Override
  protected TestDatabase db() {
    return DB;
  }
}
